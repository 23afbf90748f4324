/** API keys kept in VS Code's SecretStorage and handed to the server through its environment, never
 * through settings. Uses only the SecretStorage and Memento interfaces, so it runs without VS Code. */
import type { Memento, SecretStorage } from "vscode";

export interface ProviderVariable {
  name: string;
  provider: string;
}

/** The variables litellm reads for the common providers. */
export const PROVIDER_VARIABLES: readonly ProviderVariable[] = [
  { name: "OPENAI_API_KEY", provider: "OpenAI, and OpenAI-compatible servers (openai/...)" },
  { name: "ANTHROPIC_API_KEY", provider: "Anthropic (anthropic/...)" },
  { name: "GEMINI_API_KEY", provider: "Google AI Studio (gemini/...)" },
  { name: "MISTRAL_API_KEY", provider: "Mistral (mistral/...)" },
  { name: "GROQ_API_KEY", provider: "Groq (groq/...)" },
  { name: "DEEPSEEK_API_KEY", provider: "DeepSeek (deepseek/...)" },
  { name: "OPENROUTER_API_KEY", provider: "OpenRouter (openrouter/...)" },
  { name: "TOGETHERAI_API_KEY", provider: "Together AI (together_ai/...)" },
  { name: "AZURE_API_KEY", provider: "Azure OpenAI (azure/...)" },
];

const NAMES_KEY = "seidr.storedApiKeyVariables";
const SECRET_PREFIX = "seidr.env.";

/** An environment variable name that a key may be stored under. */
export function checkVariableName(name: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
    return "Use an environment variable name: capital letters, digits and _, e.g. OPENAI_API_KEY.";
  }
  return undefined;
}

export class ApiKeys {
  constructor(
    private readonly secrets: SecretStorage,
    private readonly state: Memento,
  ) {}

  /** Names of the variables with a stored key (the names are not secret; the values are). */
  stored(): string[] {
    return [...(this.state.get<string[]>(NAMES_KEY) ?? [])].sort();
  }

  async set(name: string, value: string): Promise<void> {
    const problem = checkVariableName(name);
    if (problem) {
      throw new Error(problem);
    }
    await this.secrets.store(SECRET_PREFIX + name, value);
    await this.state.update(NAMES_KEY, [...new Set([...this.stored(), name])]);
  }

  async remove(name: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + name);
    await this.state.update(NAMES_KEY, this.stored().filter((stored) => stored !== name));
  }

  /** The stored keys as environment variables; they win over the same names inherited from VS Code. */
  async environment(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of this.stored()) {
      const value = await this.secrets.get(SECRET_PREFIX + name);
      if (value) {
        out[name] = value;
      }
    }
    return out;
  }
}
