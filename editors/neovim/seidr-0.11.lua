-- seidr in Neovim 0.11+ (vim.lsp.config + vim.lsp.enable).
-- `seidr` must be on PATH; API keys come from the environment (OPENAI_API_KEY=..., ANTHROPIC_API_KEY=...).
vim.lsp.config("seidr", {
  cmd = { "seidr", "serve" },
  filetypes = { "python", "cpp", "rust" },
  root_markers = { "pyproject.toml", "seidr.toml", "Cargo.toml", ".git" },
  init_options = {
    checkOnSave = true,
    model = "openai/gpt-4o-mini",
    -- apiBase = "http://127.0.0.1:11434/v1",
    budget = { calls = 20, costUsd = 0.5 },
  },
  -- the server also pulls workspace/configuration section "seidr": later layers win
  settings = { seidr = { strategy = "seidr" } },
})
vim.lsp.enable("seidr")
-- Code actions (Synthesize / Repair / Apply last result / Show candidates): gra, or vim.lsp.buf.code_action()
