@echo off
rem certdesk: the CertDesk command line for cmd and PowerShell. The installer puts this file in
rem <install folder>\bin and that folder on PATH (build/installer.nsh); certdesk.exe is one
rem folder up. certdesk.exe is a GUI program: typed at a prompt, cmd would not wait for it and
rem its output would go nowhere. Called from this batch file it is waited for, its output goes
rem to two files of a private folder (a GUI program writes to inherited file handles
rem reliably), which are then shown, and its exit code is this script's exit code.
rem Non-interactive (stdin is empty): renew and acquire need --yes, acquire --password-env VAR.
rem Arguments must not hold & | < > ^ % ! or a quote inside an argument: cmd parses this
rem file's command line when it starts it and again where %* is passed on, so a caller such
rem as PowerShell or Node could end the command with them (BatBadBut, CVE-2024-24576). A batch
rem file cannot look at its arguments before that parsing, so none is attempted here;
rem docs/it-guide.md tells scripts what to pass.
setlocal DisableDelayedExpansion
set "CERTDESK_EXE=%~dp0..\certdesk.exe"
if not exist "%CERTDESK_EXE%" (
  echo certdesk: "%CERTDESK_EXE%" is missing: reinstall CertDesk. 1>&2
  exit /b 1
)
rem A private folder per run: mkdir fails when the name is taken (another run), then try again;
rem at most 10 times, so a missing, read-only or full %TEMP% ends with a message and exit 1
rem instead of a scheduled run that never ends.
set "CERTDESK_TRY=0"
:newfolder
set /a CERTDESK_TRY+=1
set "CERTDESK_RUN=%TEMP%\certdesk-%RANDOM%%RANDOM%%RANDOM%"
mkdir "%CERTDESK_RUN%" 2>nul && goto madefolder
if %CERTDESK_TRY% lss 10 goto newfolder
echo certdesk: could not create a folder in "%TEMP%" (10 tries): check that TEMP names a folder that exists, that you may write and that has free space. 1>&2
exit /b 1
:madefolder
"%CERTDESK_EXE%" --headless %* >"%CERTDESK_RUN%\out.txt" 2>"%CERTDESK_RUN%\err.txt" <nul
set "CERTDESK_CODE=%ERRORLEVEL%"
rem The output is UTF-8: a console shows it in code page 65001, then gets its own back. Piped or
rem redirected, the bytes pass through unchanged.
rem chcp.com by full path: cmd looks for a bare name in the current folder first.
set "CERTDESK_CHCP=%SystemRoot%\System32\chcp.com"
set "CERTDESK_CP="
for /f "tokens=2 delims=:" %%c in ('"%CERTDESK_CHCP%"') do set "CERTDESK_CP=%%c"
if defined CERTDESK_CP "%CERTDESK_CHCP%" 65001 >nul
type "%CERTDESK_RUN%\err.txt" 1>&2
type "%CERTDESK_RUN%\out.txt"
if defined CERTDESK_CP "%CERTDESK_CHCP%" %CERTDESK_CP: =% >nul
rmdir /s /q "%CERTDESK_RUN%" 2>nul
exit /b %CERTDESK_CODE%
