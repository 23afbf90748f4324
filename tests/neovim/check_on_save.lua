-- Driven by test_neovim.py: open SEIDR_FILE with seidr attached (editors/neovim/seidr-0.7.lua), replace line
-- SEIDR_LINE with SEIDR_TEXT, write the buffer, wait for SEIDR_WAIT diagnostics and write them to SEIDR_OUT.
local out = os.getenv("SEIDR_OUT")
local function finish(result)
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
  vim.cmd("qa!")
end

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SEIDR_FILE")))
if not vim.wait(60000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50) then
  finish({ error = "seidr never attached" })
end
-- the check after opening comes first; the edit below must be judged by the check after the write
vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local line = tonumber(os.getenv("SEIDR_LINE"))
vim.api.nvim_buf_set_lines(0, line, line + 1, false, { os.getenv("SEIDR_TEXT") })
vim.cmd("write")
local want = tonumber(os.getenv("SEIDR_WAIT"))
vim.wait(90000, function() return #vim.diagnostic.get(0) >= want end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(found, { line = d.lnum, message = d.message, severity = d.severity, source = d.source })
end
finish({ diagnostics = found })
