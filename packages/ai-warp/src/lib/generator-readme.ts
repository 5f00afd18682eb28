/** README of a generated AI Warp project. */
export function generatedReadme (inWattProject: boolean): string {
  const start = inWattProject ? 'From the root of the Watt project:' : 'In this folder:'
  return `# AI Warp

An [AI Warp](https://github.com/platformatic/ai-warp) gateway, run by Platformatic Watt.

## Run

${start}

\`\`\`sh
npm install
npm start
\`\`\`

API keys and the provider URLs are in \`.env\` (never commit it; \`.env.sample\` lists the names).
Environment variables win over \`.env\`.

## Try it

\`\`\`sh
curl -s http://127.0.0.1:3042/api/v1/prompt -H 'content-type: application/json' \\
  -d '{"prompt":"Hello, who are you?"}'

curl -N http://127.0.0.1:3042/api/v1/stream -H 'content-type: application/json' \\
  -d '{"prompt":"Tell me a short story"}'
\`\`\`

The port is \`PORT\` in \`.env\`. The gateway listens on 127.0.0.1 (this machine only) unless
\`PLT_SERVER_HOSTNAME\` says otherwise: before you expose it (\`0.0.0.0\`, or in a container), turn
authentication on (the \`auth\` section, docs/deployment.md of AI Warp). Every key of the \`ai\`,
\`auth\` and \`callerRateLimit\` sections is described in the configuration reference
(docs/configuration.md of AI Warp).
`
}
