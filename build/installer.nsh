; CertDesk's additions to electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; - <install folder>\bin goes on PATH (the user's for a per-user install, the machine's for a
;   per-machine one), so `certdesk` (bin\certdesk.cmd, put there by extraFiles) works in new
;   cmd and PowerShell windows; the uninstaller takes it off again. Its own folder, not the
;   install folder: there certdesk.exe (the GUI program) would come first in PATHEXT's order.
; - A per-machine install registers the Application event log source "CertDesk", so that the
;   command line's eventcreate entries need no admin rights (docs/it-guide.md lists the ids).
; - A per-machine install creates %ProgramData%\CertDesk (where IT puts policy.json) with an
;   ACL only SYSTEM and Administrators may write, Users read: by default every standard user
;   may create files there, and the machine policy outranks the bank's built-in one. SIDs,
;   not names (names are localised). The loader refuses a machine file (or its folder) that a
;   user owns or may write; the owner is left as it is, so a folder or file a user made before
;   the install stays refused until IT looks at it (never laundered into an admin-owned one).
; electron-builder compiles with -WX: every function here is defined only in the build that
; calls it (installer or uninstaller), or makensis fails on an unreferenced function.
!include "LogicLib.nsh"
!include "WinMessages.nsh"

!define CERTDESK_USER_ENV "Environment"
!define CERTDESK_MACHINE_ENV "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define CERTDESK_EVENT_SOURCE "SYSTEM\CurrentControlSet\Services\EventLog\Application\CertDesk"

; $R0: a PATH value; $R1: a folder. Out: $R2, the PATH without that folder (compared as
; Windows does, case-insensitively), empty entries dropped.
!macro CERTDESK_PATH_WITHOUT_FUNC PREFIX
Function ${PREFIX}certdeskPathWithout
  Push $R3
  Push $R4
  Push $R5
  StrCpy $R2 ""
  StrCpy $R3 ""
  StrCpy $R4 0
  loop:
    StrCpy $R5 $R0 1 $R4
    StrCmp $R5 "" flush
    StrCmp $R5 ";" flush
    StrCpy $R3 "$R3$R5"
    IntOp $R4 $R4 + 1
    Goto loop
  flush:
    StrCmp $R3 "" next
    StrCmp $R3 $R1 next
    StrCmp $R3 "$R1\" next
    StrCmp $R2 "" 0 append
    StrCpy $R2 $R3
    Goto next
  append:
    StrCpy $R2 "$R2;$R3"
  next:
    StrCpy $R3 ""
    StrCmp $R5 "" done
    IntOp $R4 $R4 + 1
    Goto loop
  done:
  Pop $R5
  Pop $R4
  Pop $R3
FunctionEnd
!macroend

; Reads PATH under ROOT\SUBKEY into $R0. A value as long as NSIS's string limit may have been
; cut short: it is then left alone (never written back shorter), and the log says so.
!macro CERTDESK_READ_PATH ROOT SUBKEY
  ClearErrors
  ReadRegStr $R0 ${ROOT} "${SUBKEY}" "Path"
  ${If} ${Errors}
    StrCpy $R0 ""
  ${EndIf}
  StrLen $R6 $R0
  IntOp $R7 ${NSIS_MAX_STRLEN} - 2
!macroend

!macro CERTDESK_WRITE_PATH ROOT SUBKEY
  ${If} $R2 == ""
    DeleteRegValue ${ROOT} "${SUBKEY}" "Path"
  ${Else}
    WriteRegExpandStr ${ROOT} "${SUBKEY}" "Path" $R2
  ${EndIf}
  ; Tell running programs (Explorer, new consoles) that the environment changed.
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
!macroend

!macro CERTDESK_ADD_TO_PATH ROOT SUBKEY
  !insertmacro CERTDESK_READ_PATH ${ROOT} "${SUBKEY}"
  ${If} $R6 >= $R7
    DetailPrint "CertDesk: PATH is too long to change safely; add $INSTDIR\bin to PATH by hand."
  ${Else}
    StrCpy $R1 "$INSTDIR\bin"
    Call certdeskPathWithout
    ${If} $R2 == ""
      StrCpy $R2 "$INSTDIR\bin"
    ${Else}
      StrCpy $R2 "$R2;$INSTDIR\bin"
    ${EndIf}
    !insertmacro CERTDESK_WRITE_PATH ${ROOT} "${SUBKEY}"
  ${EndIf}
!macroend

!macro CERTDESK_REMOVE_FROM_PATH ROOT SUBKEY
  !insertmacro CERTDESK_READ_PATH ${ROOT} "${SUBKEY}"
  ${If} $R6 < $R7
    StrCpy $R1 "$INSTDIR\bin"
    Call un.certdeskPathWithout
    !insertmacro CERTDESK_WRITE_PATH ${ROOT} "${SUBKEY}"
  ${EndIf}
!macroend

; %ProgramData%\CertDesk: created, inheritance off, SYSTEM and Administrators full control,
; Users read and execute (files and subfolders inherit). Left in place at uninstall (IT's policy).
!macro CERTDESK_LOCK_POLICY_FOLDER
  SetShellVarContext all
  CreateDirectory "$APPDATA\CertDesk"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\CertDesk" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
  Pop $R0
  ${If} $R0 != 0
    DetailPrint "CertDesk: could not restrict $APPDATA\CertDesk (icacls: $R0); a policy.json there is refused until only administrators can write it (docs/it-guide.md)."
  ${EndIf}
!macroend

!ifndef BUILD_UNINSTALLER
  !insertmacro CERTDESK_PATH_WITHOUT_FUNC ""

  !macro customInstall
    ${If} $installMode == "all"
      !insertmacro CERTDESK_ADD_TO_PATH HKLM "${CERTDESK_MACHINE_ENV}"
      ; The event source for eventcreate /SO CertDesk (EventCreate.exe holds the message table).
      WriteRegExpandStr HKLM "${CERTDESK_EVENT_SOURCE}" "EventMessageFile" "%SystemRoot%\System32\EventCreate.exe"
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "TypesSupported" 7
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "CustomSource" 1
      !insertmacro CERTDESK_LOCK_POLICY_FOLDER
    ${Else}
      !insertmacro CERTDESK_ADD_TO_PATH HKCU "${CERTDESK_USER_ENV}"
    ${EndIf}
  !macroend
!else
  !insertmacro CERTDESK_PATH_WITHOUT_FUNC "un."

  !macro customUnInstall
    ${If} $installMode == "all"
      !insertmacro CERTDESK_REMOVE_FROM_PATH HKLM "${CERTDESK_MACHINE_ENV}"
      DeleteRegKey HKLM "${CERTDESK_EVENT_SOURCE}"
    ${Else}
      !insertmacro CERTDESK_REMOVE_FROM_PATH HKCU "${CERTDESK_USER_ENV}"
    ${EndIf}
  !macroend
!endif
