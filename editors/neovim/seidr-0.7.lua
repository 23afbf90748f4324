-- seidr in Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client).
-- Copy into your init.lua (or `:luafile` it). `seidr` must be on PATH (e.g. the venv's bin folder).
-- API keys are never settings: export them before starting Neovim (OPENAI_API_KEY=..., ANTHROPIC_API_KEY=...).
-- Set vim.g.seidr_init_options before this file runs to use your own settings table instead of these.
local init_options = vim.g.seidr_init_options or {
  checkOnSave = true,
  model = "openai/gpt-4o-mini",  -- any litellm model name; nil: synthesis says what to set
  -- apiBase = "http://127.0.0.1:11434/v1",  -- an OpenAI-compatible server (ollama, vLLM, ...)
  budget = { calls = 20, costUsd = 0.5 },
}

local client_id = nil
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "python", "cpp", "rust" },
  callback = function(args)
    if client_id == nil or vim.lsp.client_is_stopped(client_id) then
      client_id = vim.lsp.start_client({
        name = "seidr",
        cmd = { "seidr", "serve" },
        root_dir = vim.fn.getcwd(),
        init_options = init_options,
      })
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})
-- Code actions (Synthesize / Repair / Apply last result / Show candidates): :lua vim.lsp.buf.code_action()
