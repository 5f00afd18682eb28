import type { PromptMessage } from './answer.ts'

// Reads an OpenAI Responses request (https://platform.openai.com/docs/api-reference/responses/create)
// into the prompt messages the answer is built from: `instructions` is a system message, `input`
// a string (one user message) or items: messages (`type: 'message'` or no type), function calls,
// their outputs and reasoning items.

/** Message roles as the answer builder names them: a developer message is a system one. */
const ROLES: Record<string, string> = { user: 'user', system: 'system', developer: 'system', assistant: 'assistant' }

/** Text of message content: a string, or parts (`input_text`, `output_text`, `refusal`) joined; images and files add nothing. */
export function responsesContentText (content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const part of content) {
    if (typeof part?.text === 'string') text += part.text
    else if (part?.type === 'refusal' && typeof part.refusal === 'string') text += part.refusal
  }
  return text
}

/** One input item as a prompt message; undefined for items that say nothing to the model's text (reasoning, references). */
function itemMessage (item: any): PromptMessage | undefined {
  const type = item?.type ?? 'message'
  if (type === 'message') return { role: ROLES[item?.role] ?? String(item?.role), text: responsesContentText(item?.content) }
  if (type === 'function_call') return { role: 'assistant', text: '' }
  if (type === 'function_call_output') return { role: 'tool', text: responsesContentText(item?.output) }
  return undefined
}

/** Reads `instructions` and `input` into prompt messages, tolerating junk. */
export function responsesMessages (body: any): PromptMessage[] {
  const messages: PromptMessage[] = []
  if (typeof body?.instructions === 'string') messages.push({ role: 'system', text: body.instructions })
  const input: unknown = body?.input
  if (typeof input === 'string') {
    messages.push({ role: 'user', text: input })
    return messages
  }
  if (!Array.isArray(input)) return messages
  for (const item of input) {
    const message = itemMessage(item)
    if (message !== undefined) messages.push(message)
  }
  return messages
}
