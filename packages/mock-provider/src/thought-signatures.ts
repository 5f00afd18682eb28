// Gemini 3's check of thought signatures (https://ai.google.dev/gemini-api/docs/thought-signatures):
// only the current turn is checked. It starts at the last `user` content holding standard content
// (text, inline data…), not only `functionResponse` parts; every model step after it that calls
// functions must carry a signature on its first `functionCall` part (in parallel calls only the
// first part has one). A missing one is a 400 INVALID_ARGUMENT. Calls Gemini did not produce
// (history from another model) may carry one of the documented dummy values instead.

/** The dummy values Gemini documents for calls it did not produce: they skip the validation. */
export const DUMMY_THOUGHT_SIGNATURES: readonly string[] = ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']

function isFunctionResponseOnly (content: any): boolean {
  const parts = content?.parts
  if (!Array.isArray(parts) || parts.length === 0) return false
  return parts.every((part: any) => part?.functionResponse !== undefined)
}

function currentTurnStart (contents: any[]): number {
  for (let index = contents.length - 1; index >= 0; index--) {
    const role = contents[index]?.role ?? 'user'
    if (role === 'user' && !isFunctionResponseOnly(contents[index])) return index
  }
  return -1
}

/**
 * The Gemini error body for the first step of the current turn whose first `functionCall` part
 * lacks a signature, or carries one that is neither `issued` nor a dummy value; undefined when all
 * pass.
 */
export function thoughtSignatureError (body: any, issued: ReadonlySet<string>): unknown {
  const contents: unknown = body?.contents
  if (!Array.isArray(contents)) return undefined
  for (let index = currentTurnStart(contents) + 1; index < contents.length; index++) {
    const content = contents[index]
    if (content?.role !== 'model' || !Array.isArray(content.parts)) continue
    const first = content.parts.find((part: any) => part?.functionCall !== undefined)
    if (first === undefined) continue
    const signature: unknown = first.thoughtSignature
    if (typeof signature !== 'string' || signature === '') {
      const name = String(first.functionCall?.name)
      return invalidArgument(
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ' +
        `and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , ` +
        `position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`
      )
    }
    if (!issued.has(signature) && !DUMMY_THOUGHT_SIGNATURES.includes(signature)) return invalidArgument('Corrupted thought signature.')
  }
  return undefined
}

function invalidArgument (message: string): unknown {
  return { error: { code: 400, message, status: 'INVALID_ARGUMENT' } }
}
