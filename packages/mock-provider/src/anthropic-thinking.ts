import { anthropicError } from './anthropic-format.ts'

// Extended thinking's rule for tool loops (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking):
// with `thinking` enabled, the assistant message whose tool calls the last user message answers
// must start with its thinking block, sent back unchanged with its signature (or a redacted
// block). A signature the API never issued is refused too.

function isToolResults (message: any): boolean {
  const blocks = message?.content
  return message?.role === 'user' && Array.isArray(blocks) && blocks.some((block: any) => block?.type === 'tool_result')
}

/**
 * The 400 body for a tool loop whose thinking did not come back, or came back with a signature
 * not in `issued`; undefined when the request passes (or has no thinking enabled).
 */
export function thinkingSignatureError (body: any, issued: ReadonlySet<string>): unknown {
  if (body?.thinking?.type !== 'enabled' || !Array.isArray(body.messages)) return undefined
  const messages: any[] = body.messages
  for (let index = 0; index < messages.length; index++) {
    const blocks = Array.isArray(messages[index]?.content) ? messages[index].content : []
    for (let position = 0; position < blocks.length; position++) {
      const block = blocks[position]
      if (block?.type === 'thinking' && !issued.has(block.signature)) {
        return anthropicError(400, `messages.${index}.content.${position}: Invalid \`signature\` in \`thinking\` block`)
      }
    }
  }
  const last = messages.length - 1
  if (last < 1 || !isToolResults(messages[last]) || messages[last - 1]?.role !== 'assistant') return undefined
  const first = Array.isArray(messages[last - 1].content) ? messages[last - 1].content[0] : undefined
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return undefined
  return anthropicError(400, `messages.${last - 1}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'text'}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`)
}
