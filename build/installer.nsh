; CertDesk's additions to electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; - <install folder>\bin goes on PATH (the user's for a per-user install, the machine's for a
;   per-machine one), so `certdesk` (bin\certdesk.cmd, put there by extraFiles) works in new
;   cmd and PowerShell windows; the uninstaller takes it off again. Its own folder, not the
;   install folder: there certdesk.exe (the GUI program) would come first in PATHEXT's order.
; - A per-machine install registers the Application event log source "CertDesk", so that the
;   command line's eventcreate entries need no admin rights (docs/it-guide.md lists the ids).
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

!ifndef BUILD_UNINSTALLER
  !insertmacro CERTDESK_PATH_WITHOUT_FUNC ""

  !macro customInstall
    ${If} $installMode == "all"
      !insertmacro CERTDESK_ADD_TO_PATH HKLM "${CERTDESK_MACHINE_ENV}"
      ; The event source for eventcreate /SO CertDesk (EventCreate.exe holds the message table).
      WriteRegExpandStr HKLM "${CERTDESK_EVENT_SOURCE}" "EventMessageFile" "%SystemRoot%\System32\EventCreate.exe"
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "TypesSupported" 7
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "CustomSource" 1
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
