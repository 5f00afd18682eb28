// Docs that run (issue 18): every fenced example marked `run=<target>` in the README, docs/ and
// the packages' and examples' READMEs is run against that target (helpers/doc-targets.ts: the
// demo, examples/watt-project, examples/fastify-app) and held to the output block that follows it
// (`json output`: same JSON shape; `sse output`: same events; `text output`: same text, `…` for
// what changes). An example that talks to a server and is not run says why (`norun=<reason>`).
// docs/protocol.md's request/response examples are replayed by protocol-doc.test.ts.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { readFences, where } from './helpers/doc-examples.ts'
import type { Fence } from './helpers/doc-examples.ts'
import { ROOT, TARGETS, checkExample } from './helpers/doc-targets.ts'
import type { Target } from './helpers/doc-targets.ts'

/** The pages whose examples are run. */
async function pages (root: string): Promise<string[]> {
  const files = [join(root, 'README.md')]
  for (const entry of await readdir(join(root, 'docs'))) if (entry.endsWith('.md')) files.push(join(root, 'docs', entry))
  for (const folder of ['packages', 'examples']) {
    for (const entry of await readdir(join(root, folder), { withFileTypes: true })) {
      if (entry.isDirectory()) files.push(join(root, folder, entry.name, 'README.md'))
    }
  }
  const present: string[] = []
  for (const file of files) if (await readFile(file).then(() => true, () => false)) present.push(file)
  return present
}

interface RunnableExample {
  run: Fence
  /** The output block that follows it, when the page shows one. */
  output: Fence | undefined
  targets: string[]
}

async function fencesOf (root: string): Promise<Fence[]> {
  const fences: Fence[] = []
  for (const file of await pages(root)) fences.push(...readFences(await readFile(file, 'utf8'), relative(root, file)))
  return fences
}

function runnableExamples (fences: Fence[]): RunnableExample[] {
  const examples: RunnableExample[] = []
  fences.forEach((fence, index) => {
    if (fence.attributes.run === undefined) return
    const next = fences[index + 1]
    const output = next !== undefined && next.file === fence.file && next.words.includes('output') ? next : undefined
    examples.push({ run: fence, output, targets: fence.attributes.run.split(',') })
  })
  return examples
}

// Targets start once for the whole file, when an example first needs them.
const started = new Map<string, Promise<Target>>()
function target (name: string): Promise<Target> {
  let running = started.get(name)
  if (running === undefined) {
    const start = TARGETS[name]
    assert.ok(start !== undefined, `unknown target ${name}`)
    running = start()
    started.set(name, running)
  }
  return running
}
after(async () => {
  for (const running of started.values()) await running.then((target) => target.close(), () => {})
})

const fences = await fencesOf(ROOT)
const examples = runnableExamples(fences)

test('every example that talks to a server is run, or says why not', () => {
  const server = /\b(127\.0\.0\.1|localhost):\d+|buildClient\(|new OpenAI\(|createOpenAICompatible\(/
  for (const fence of fences) {
    if (!['sh', 'js', 'ts', 'bash'].includes(fence.lang) || !server.test(fence.body)) continue
    assert.ok(fence.attributes.run !== undefined || fence.attributes.norun !== undefined, `${where(fence)}: mark it run=<target> or norun=<reason>`)
  }
  for (const example of examples) {
    for (const name of example.targets) assert.ok(name in TARGETS, `${where(example.run)}: unknown target ${name}`)
    assert.ok(['sh', 'js'].includes(example.run.lang), `${where(example.run)}: ${example.run.lang} examples cannot be run`)
  }
  // The pages this issue is about have their examples run.
  for (const page of ['README.md', 'docs/openai-compatibility.md', 'docs/anthropic.md', 'docs/tools.md', 'packages/ai-client/README.md', 'examples/client-stream/README.md', 'examples/fastify-app/README.md', 'examples/watt-project/README.md']) {
    assert.ok(examples.some((example) => example.run.file === page), `${page} has runnable examples`)
  }
})

test('README: set-up in two commands, the prerequisites of the tests, how to get Node and pnpm', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  assert.ok(fences.some((fence) => fence.file === 'README.md' && fence.body === 'pnpm install && pnpm demo'), 'pnpm install && pnpm demo')
  const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('\n## ', readme.indexOf('## Prerequisites') + 1))
  for (const needed of ['redis-server', 'valkey-server', 'VALKEY_URL', 'apt install redis-server', 'brew install valkey', 'corepack', 'nodejs.org']) {
    assert.ok(prerequisites.includes(needed), `Prerequisites name ${needed}`)
  }
  assert.equal(readme.split('corepack enable').length - 1, 1, 'how to get pnpm is said once')
})

for (const example of examples) {
  for (const name of example.targets) {
    test(`${where(example.run)} runs against ${name} as the page shows`, { timeout: 120000 }, async () => {
      await checkExample(example.run, example.output, await target(name))
    })
  }
}

// The test above must fail when an example is wrong: copies of pages with an example broken on
// purpose, each the way the issue found them broken.
test('a broken example fails, naming its page and line', { timeout: 120000 }, async (t) => {
  const copy = await mkdtemp(join(tmpdir(), 'ai-warp-broken-docs-'))
  t.after(() => rm(copy, { recursive: true, force: true }))
  for (const page of await pages(ROOT)) {
    await mkdir(dirname(join(copy, relative(ROOT, page))), { recursive: true })
    await cp(page, join(copy, relative(ROOT, page)))
  }

  async function plant (page: string, from: string, to: string): Promise<RunnableExample> {
    const file = join(copy, page)
    const text = await readFile(file, 'utf8')
    assert.ok(text.includes(from), `${page} has ${from}`)
    await writeFile(file, text.replace(from, to))
    const planted = runnableExamples(await fencesOf(copy)).find((example) => example.run.file === page && (example.run.body.includes(to) || example.output?.body.includes(to)))
    assert.ok(planted, `the planted example of ${page}`)
    return planted
  }

  const cases = [
    // A route that does not exist: 404 AI_ROUTE_NOT_FOUND is not the JSON the page shows.
    await plant('README.md', "curl -s http://127.0.0.1:3042/api/v1/prompt -H 'content-type: application/json' -d '{\"prompt\":\"Hello\"}'", "curl -s http://127.0.0.1:3042/api/v1/promt -H 'content-type: application/json' -d '{\"prompt\":\"Hello\"}'"),
    // A model alias the demo does not define (the `fast` of the issue): the SDK throws.
    await plant('docs/openai-compatibility.md', "model: 'fast',", "model: 'fastest',"),
    // An output that is not what the program prints.
    await plant('README.md', '"result":"COMPLETE","sessionId"', '"result":"COMPLETE","session":"x","sessionId"')
  ]
  const demo = await target('demo')
  for (const broken of cases) {
    await assert.rejects(checkExample(broken.run, broken.output, demo), (error: Error) => {
      assert.match(error.message, new RegExp(`^${broken.run.file.replace('.', '\\.')}:\\d+: `))
      return true
    })
  }
})
