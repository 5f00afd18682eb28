// `pnpm start`: listens on PORT (default 3000) with OPENAI_API_KEY.
import { buildApp } from './app.ts'

const app = await buildApp({ openaiApiKey: process.env.OPENAI_API_KEY, openaiBaseUrl: process.env.OPENAI_BASE_URL })
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
