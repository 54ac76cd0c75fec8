import type { ChatMessage, ChatModel } from '@llm-rag-yt/rag';
import { type OpenAiHttpOptions, postJson } from '../shared/openai-http.ts';

export interface OpenAiChatOptions extends OpenAiHttpOptions {
  /** e.g. 'gpt-4o-mini', 'llama3.1' (Ollama), 'Qwen/Qwen2.5-7B-Instruct' (vLLM). */
  model: string;
  /** Default 0.2: answers should stick to the sources. */
  temperature?: number;
  /** Default 700. */
  maxTokens?: number;
}

interface ChatResponse {
  choices?: { message?: { content?: string | null } }[];
}

/**
 * Any OpenAI-compatible POST /v1/chat/completions (OpenAI, Ollama, vLLM, llama.cpp server…).
 *
 * @example
 * const chat = new OpenAiChatModel({ baseUrl: 'http://localhost:11434/v1', model: 'llama3.1' });
 * await chat.complete([{ role: 'user', content: 'Hi' }]);
 */
export class OpenAiChatModel implements ChatModel {
  readonly model: string;
  readonly #opts: OpenAiChatOptions;

  constructor(opts: OpenAiChatOptions) {
    if (!opts.baseUrl) throw new Error('OpenAiChatModel needs a baseUrl, e.g. https://api.openai.com/v1');
    if (!opts.model) throw new Error('OpenAiChatModel needs a model name, e.g. gpt-4o-mini');
    this.#opts = opts;
    this.model = opts.model;
  }

  async complete(
    messages: readonly ChatMessage[],
    opts: { signal?: AbortSignal; maxTokens?: number; temperature?: number } = {},
  ): Promise<string> {
    const res = await postJson<ChatResponse>(
      this.#opts,
      '/chat/completions',
      {
        model: this.#opts.model,
        messages,
        temperature: opts.temperature ?? this.#opts.temperature ?? 0.2,
        max_tokens: opts.maxTokens ?? this.#opts.maxTokens ?? 700,
        stream: false,
      },
      opts.signal,
    );
    const content = res?.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content.trim() === '') {
      throw new Error(
        `Chat model '${this.#opts.model}' at ${this.#opts.baseUrl} returned no message content.`,
      );
    }
    return content.trim();
  }
}
