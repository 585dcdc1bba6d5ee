;;; emacs-driver.el --- what a user does after the README's init snippet: open a .tf file, wait for lpg's diagnostics  -*- lexical-binding: t -*-
;; emacs --batch -q -l SNIPPET -l emacs-driver.el
;; Environment: LPG_FILE (file to open), LPG_OUT (result JSON).
;; Batch Emacs has no command loop: post-command-hook (where eglot-ensure connects and Flymake
;; starts its checks) is run here after each step, as the command loop would.
(require 'json)
(require 'flymake)
(let ((out (getenv "LPG_OUT"))
      (result (list (cons 'steps nil))))
  (condition-case err
      (progn
        (find-file (getenv "LPG_FILE"))
        (run-hooks 'post-command-hook)
        (push (cons 'mode (symbol-name major-mode)) result)
        (let ((deadline (+ (float-time) 30)))
          (while (and (not (eglot-current-server)) (< (float-time) deadline))
            (accept-process-output nil 0.05)
            (run-hooks 'post-command-hook)))
        (let ((server (eglot-current-server)))
          (when server
            (push (cons 'command (process-command (jsonrpc--process server))) result)))
        (let ((deadline (+ (float-time) 30)) diags)
          (while (and (null (setq diags (flymake-diagnostics))) (< (float-time) deadline))
            (accept-process-output nil 0.05)
            (run-hooks 'post-command-hook))
          (push (cons 'diagnostics
                      (vconcat
                       (mapcar (lambda (d)
                                 (save-excursion
                                   (goto-char (flymake-diagnostic-beg d))
                                   (list (cons 'line (line-number-at-pos))
                                         (cons 'column (current-column))
                                         (cons 'type (symbol-name (flymake-diagnostic-type d)))
                                         (cons 'text (flymake-diagnostic-text d)))))
                               diags)))
                result))
        (ignore-errors (eglot-shutdown (eglot-current-server))))
    (error (push (cons 'error (error-message-string err)) result)))
  (with-temp-file out (insert (json-encode result)))
  (kill-emacs 0))
