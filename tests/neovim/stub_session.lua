-- Shared by the drivers that work on a stub: open SEIDR_FILE with seidr attached, write it, wait for the stub's
-- mark; and write the report (with the buffer's lines) to SEIDR_OUT and quit.
local M = {}

function M.finish(report, why)
  report.result = why
  report.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.fn.writefile({ vim.fn.json_encode(report) }, os.getenv("SEIDR_OUT"))
  vim.cmd("qa!")
end

function M.open(report)
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SEIDR_FILE")))
  if not vim.wait(60000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50) then
    M.finish(report, "seidr never attached")
  end
  vim.cmd("write")
  local function stub_shown()
    for _, d in ipairs(vim.diagnostic.get(0)) do
      if d.message:match("not implemented") then return true end
    end
    return false
  end
  if not vim.wait(60000, stub_shown, 50) then M.finish(report, "no stub diagnostic") end
end

return M
