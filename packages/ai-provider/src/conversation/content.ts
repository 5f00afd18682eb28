// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing but its own folder: every other layer, the wire formats included, speaks in these terms.
//
// The parts a message's content is made of. A part may carry provider hints in `providerData`
// (namespaced as in tools.ts: `{ anthropic: { cacheControl: { type: 'ephemeral' } } }`), which
// only its own format reads.

import type { AiProviderData } from './tools.ts'

/** Text. */
export interface AiTextPart {
  type: 'text'
  text: string
  /** Provider hints for this part (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
}

/** An image, by `https:` URL or inline as a `data:<mediaType>;base64,…` URL. */
export interface AiImagePart {
  type: 'image'
  /** `https://…` or `data:image/png;base64,…`. */
  url: string
  /** The image's media type (`image/png`, `image/jpeg`, `image/gif`, `image/webp`); read from a `data:` URL when absent. */
  mediaType?: string
  /** OpenAI's `detail` hint, kept for providers that read it. */
  detail?: 'auto' | 'low' | 'high'
  /** Provider hints for this part (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
}

/** A document (e.g. a PDF), inline as base64. */
export interface AiFilePart {
  type: 'file'
  /** The file's bytes, base64. */
  data: string
  /** `application/pdf`, `text/plain`… */
  mediaType: string
  /** The name the caller gave it, if any. */
  filename?: string
  /** Provider hints for this part (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
}

/** One part of a message's content. */
export type AiContentPart = AiTextPart | AiImagePart | AiFilePart

/** A message's content: plain text, or parts. */
export type AiContent = string | AiContentPart[]

/** The text of a content, its text parts joined by a new line (images and files left out). */
export function contentText (content: AiContent): string {
  if (typeof content === 'string') return content
  let text = ''
  for (const part of content) {
    if (part.type !== 'text') continue
    text = text === '' ? part.text : text + '\n' + part.text
  }
  return text
}
