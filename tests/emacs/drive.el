;;; drive.el --- driven by test_emacs.py  -*- lexical-binding: t -*-
;; Emacs in batch mode with editors/emacs/seidr.el loaded as a user loads it: open SEIDR_FILE, let eglot connect,
;; then either edit line SEIDR_LINE to SEIDR_TEXT and save (SEIDR_DO=check), or wait for the stub diagnostic
;; and pick seidr's Synthesize action on SEIDR_LINE through `eglot-code-actions' (SEIDR_DO=synthesize), wait
;; for the edit and save. What happened goes to SEIDR_OUT as JSON.
(require 'package)
(package-initialize)                    ; Debian's elpa-eglot is a system package
(require 'json)
(require 'cl-lib)
(require 'flymake)

(setq seidr-init-options (json-parse-string (getenv "SEIDR_INIT") :object-type 'plist
                                            :false-object :json-false :null-object nil))
(load (getenv "SEIDR_SNIPPET") nil t)

(defvar seidr-report nil)

(defun seidr-diagnostics ()
  (vconcat (mapcar (lambda (d)
                     (list :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                           :message (flymake-diagnostic-text d)))
                   (flymake-diagnostics))))

(defun seidr-finish (why)
  (setq seidr-report (plist-put seidr-report :result why))
  (setq seidr-report (plist-put seidr-report :diagnostics (seidr-diagnostics)))
  (with-temp-file (getenv "SEIDR_OUT") (insert (json-encode seidr-report)))
  (kill-emacs 0))

(defun seidr-wait (seconds predicate)
  "Run the event loop (the server's messages, flymake's timers) until PREDICATE holds or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun seidr-shown (text)
  (cl-some (lambda (d) (string-match-p (regexp-quote text) (flymake-diagnostic-text d))) (flymake-diagnostics)))

(defun seidr-goto (line)
  (goto-char (point-min))
  (forward-line line))

(condition-case err
    (progn
      (find-file (getenv "SEIDR_FILE"))
      ;; eglot-ensure connects from the command loop, which batch mode never enters
      (run-hooks 'post-command-hook)
      (unless (seidr-wait 60 (lambda () (eglot-current-server))) (seidr-finish "seidr never attached"))
      (pcase (getenv "SEIDR_DO")
        ("check"
         (seidr-goto (string-to-number (getenv "SEIDR_LINE")))
         (delete-region (line-beginning-position) (line-end-position))
         (insert (getenv "SEIDR_TEXT"))
         (save-buffer)
         (seidr-wait 60 (lambda () (seidr-shown (getenv "SEIDR_WANT"))))
         (seidr-finish "checked"))
        ("synthesize"
         (unless (seidr-wait 60 (lambda () (seidr-shown "not implemented"))) (seidr-finish "no stub diagnostic"))
         (seidr-goto (string-to-number (getenv "SEIDR_LINE")))
         (setq seidr-report
               (plist-put seidr-report :offered
                          (vconcat (mapcar (lambda (a) (list :title (plist-get a :title) :kind (plist-get a :kind)))
                                           (eglot-code-actions (point) nil nil nil)))))
         ;; the menu a user picks from: seidr's Synthesize action
         (cl-letf (((symbol-function 'completing-read)
                    (lambda (_prompt collection &rest _)
                      (let ((title (cl-find-if (lambda (c) (string-prefix-p "seidr: Synthesize" (car c)))
                                               collection)))
                        (setq seidr-report (plist-put seidr-report :chosen (car title)))
                        (car title)))))
           (let ((last-nonmenu-event 13))  ; chosen from the keyboard, not a mouse menu
             (call-interactively #'eglot-code-actions)))
         (unless (seidr-wait 120 (lambda () (save-excursion (goto-char (point-min))
                                                             (search-forward (getenv "SEIDR_WANT") nil t))))
           (seidr-finish "the edit never came"))
         (save-buffer)
         (seidr-finish "written"))
        (_ (seidr-finish "unknown SEIDR_DO"))))
  (error (setq seidr-report (plist-put seidr-report :error (error-message-string err)))
         (seidr-finish "error")))
