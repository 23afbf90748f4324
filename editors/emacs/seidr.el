;;; seidr.el --- seidr in Emacs through eglot  -*- lexical-binding: t -*-
;; Copy into your init file (or `load' it).  Emacs 29 has eglot built in; on Emacs 28 install it first
;; (Debian: `apt install elpa-eglot'; or M-x package-install RET eglot).  `seidr' must be on `exec-path'
;; (e.g. the venv's bin folder).  API keys are never settings: export them before starting Emacs
;; (OPENAI_API_KEY=..., ANTHROPIC_API_KEY=...).  Set `seidr-init-options' before this file runs to use your
;; own settings instead of these (the keys of seidr's settings table, as a plist).

(require 'eglot)

(defvar seidr-init-options
  '(:checkOnSave t
    :model "openai/gpt-4o-mini"          ; any litellm model name; nil: synthesis says what to set
    ;; :apiBase "http://127.0.0.1:11434/v1" ; an OpenAI-compatible server (ollama, vLLM, ...)
    :budget (:calls 20 :costUsd 0.5))
  "The initializationOptions seidr's language server starts with.")

(add-to-list 'eglot-server-programs
             `((python-mode c++-mode rust-mode) . ("seidr" "serve" :initializationOptions ,seidr-init-options)))

;; seidr applies a synthesized body as an edit the server sends; it checks the file's version itself, so
;; eglot need not ask before each one
(setq eglot-confirm-server-initiated-edits nil)

(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'c++-mode-hook #'eglot-ensure)

;; a code action's command answers when its synthesis is done, which with a model often takes longer than
;; jsonrpc's 10 s: give seidr's commands the time their budget allows
(defun seidr--patient (run &rest args)
  (let ((jsonrpc-default-request-timeout 600))
    (apply run args)))
(advice-add 'eglot-execute-command :around #'seidr--patient)

;; Diagnostics appear through flymake (M-x flymake-show-buffer-diagnostics).  Code actions on a stub or a
;; failing function: M-x eglot-code-actions (Synthesize / Repair / Apply last result / Show candidates).

;;; seidr.el ends here
