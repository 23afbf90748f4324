-- seidr in Neovim 0.8 to 0.10 (vim.lsp.start, one server per project root).
-- `seidr` must be on PATH; API keys come from the environment (OPENAI_API_KEY=..., ANTHROPIC_API_KEY=...).
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "python", "cpp", "rust" },
  callback = function(args)
    local marker = vim.fs.find({ "pyproject.toml", "seidr.toml", "Cargo.toml", ".git" },
      { upward = true, path = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)) })[1]
    vim.lsp.start({
      name = "seidr",
      cmd = { "seidr", "serve" },
      root_dir = marker and vim.fs.dirname(marker) or vim.fn.getcwd(),
      init_options = {
        checkOnSave = true,
        model = "openai/gpt-4o-mini",
        -- apiBase = "http://127.0.0.1:11434/v1",
        budget = { calls = 20, costUsd = 0.5 },
      },
    })
  end,
})
-- Code actions (Synthesize / Repair / Apply last result / Show candidates): vim.lsp.buf.code_action()
