// An agent loop with @platformatic/ai-client: ask with tools, run the calls the model makes here,
// send their results with the session id, until the model answers in text.
//   node agent.ts "What is the weather in Paris?"   (AI_WARP_URL defaults to http://127.0.0.1:3042)

import { buildClient } from '@platformatic/ai-client'
import type { Tool, ToolCall, ToolResult } from '@platformatic/ai-client'

/** The tools the model may call, as JSON Schema. */
export const tools: Tool[] = [{
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
}]

/** The tools' code, run here, not by the gateway. */
const functions: Record<string, (args: Record<string, unknown>) => unknown> = {
  get_weather: function getWeather (args) {
    return { city: args.city, temperature: 21, sky: 'clear' }
  }
}

/** Run one call: its result as text, an error text when the tool is unknown or its arguments are not JSON. */
function runCall (call: ToolCall): ToolResult {
  const run = functions[call.name]
  let content: string
  try {
    content = run === undefined ? `unknown tool ${call.name}` : JSON.stringify(run(JSON.parse(call.arguments)))
  } catch (error) {
    content = `bad arguments: ${(error as Error).message}`
  }
  return { toolCallId: call.id, content }
}

export interface AgentOptions {
  url: string
  question: string
  /** Called with each call made and with each piece of the final text. */
  log: (line: string) => void
  /** Most model turns before giving up. Default 5. */
  maxSteps?: number
}

/** Ask `question` with the tools and loop until the answer is text; resolves with it and the session. */
export async function runAgent ({ url, question, log, maxSteps = 5 }: AgentOptions): Promise<{ text: string, sessionId: string, steps: number }> {
  const client = buildClient({ url })
  let sessionId: string | undefined
  let toolResults: ToolResult[] | undefined
  for (let step = 1; step <= maxSteps; step++) {
    // The first turn asks; the next ones only send results: the session has the rest.
    const turn = toolResults === undefined ? { prompt: question } : { sessionId, toolResults }
    const { stream } = await client.ask({ ...turn, tools })
    const calls: ToolCall[] = []
    let text = ''
    for await (const message of stream) {
      if (message.type === 'content') {
        text += message.content
        log(message.content)
      } else if (message.type === 'tool_call') {
        calls.push(message.toolCall)
        log(`\n-> ${message.toolCall.name}(${message.toolCall.arguments})\n`)
      } else if (message.type === 'error') {
        throw message.error
      } else {
        sessionId = message.response.sessionId
        if (message.response.result !== 'TOOL_CALLS') return { text, sessionId, steps: step }
      }
    }
    toolResults = calls.map(runCall)
  }
  throw new Error(`no answer after ${maxSteps} steps`)
}

if (import.meta.main) {
  const question = process.argv.slice(2).join(' ') || 'What is the weather in Paris?'
  const { sessionId, steps } = await runAgent({
    url: process.env.AI_WARP_URL ?? 'http://127.0.0.1:3042',
    question,
    log: (line) => process.stdout.write(line)
  })
  process.stdout.write(`\n\n[${steps} ${steps === 1 ? 'step' : 'steps'}, session ${sessionId}]\n`)
}
