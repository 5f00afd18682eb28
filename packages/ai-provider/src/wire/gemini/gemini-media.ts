// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Images and files -> Gemini parts. Inline bytes (`data:` URLs, base64 files) become
// `inlineData`; an https image URL becomes `fileData` with its URL as `fileUri`, which Gemini
// fetches itself (Files API URIs, and public URLs on the models that read them; a model that
// cannot answers 400). `fileData` needs a media type: the part's own, else the URL's extension,
// else `image/jpeg` (Gemini reads the bytes, not the name).

import type { AiFilePart, AiImagePart } from '../../conversation/content.ts'
import type { GeminiPart } from './types.ts'
import { dataUrlMediaType } from '../../conversation/validate.ts'

/** Image media types by file extension, for https URLs that come without one. */
export const IMAGE_EXTENSION_MEDIA_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif'
}

/** What an image URL whose type cannot be told is sent as. */
export const DEFAULT_IMAGE_MEDIA_TYPE = 'image/jpeg'

/** The media type of an https image URL, from its path's extension. */
export function imageUrlMediaType (url: string): string | undefined {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return undefined
  }
  const match = /\.([a-z0-9]+)$/i.exec(path)
  return match === null ? undefined : IMAGE_EXTENSION_MEDIA_TYPES[match[1].toLowerCase()]
}

/** An image part: `inlineData` for a `data:` URL, `fileData` for an https URL. `detail` has no Gemini counterpart. */
export function geminiImagePart (part: AiImagePart): GeminiPart {
  if (/^data:/i.test(part.url)) {
    const comma = part.url.indexOf(',')
    const mimeType = part.mediaType ?? dataUrlMediaType(part.url) ?? DEFAULT_IMAGE_MEDIA_TYPE
    return { inlineData: { mimeType, data: part.url.slice(comma + 1) } }
  }
  return { fileData: { mimeType: part.mediaType ?? imageUrlMediaType(part.url) ?? DEFAULT_IMAGE_MEDIA_TYPE, fileUri: part.url } }
}

/** A file part: its bytes as `inlineData`. Gemini's Blob has no name, so `filename` is not sent. */
export function geminiFilePart (part: AiFilePart): GeminiPart {
  return { inlineData: { mimeType: part.mediaType, data: part.data } }
}
