"""The seidr language server (pygls 2): documents, diagnostics, code lenses, code actions, commands."""
