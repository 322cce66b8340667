; CertDesk's additions to electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; What each install mode does is one table in docs/it-guide.md ("What each installer does");
; test/installer/nsis-include.test.ts runs this file's text (test/installer/nsis-run.ts) for
; both modes, install and uninstall, against a stand-in registry.
; - <install folder>\bin goes on PATH (the user's for a per-user install, the machine's for a
;   per-machine one), so `certdesk` (bin\certdesk.cmd, put there by extraFiles) works in new
;   cmd and PowerShell windows; the uninstaller takes exactly that entry off again. Its own
;   folder, not the install folder: there certdesk.exe (the GUI program) would come first in
;   PATHEXT's order. PATH is never deleted, never cut short: NSIS holds at most
;   NSIS_MAX_STRLEN - 1 characters in a string (8,191 in electron-builder's NSIS, 1,023 in
;   stock NSIS) and ReadRegStr gives "" with the error flag for a longer value, so a value that
;   cannot be read whole, or would not fit with the entry, is left as it is and the details
;   say to add the folder by hand.
; - A per-machine install registers the Application event log source "CertDesk", so that the
;   command line's eventcreate entries need no admin rights (docs/it-guide.md lists the ids).
; - A per-machine install creates %ProgramData%\CertDesk (where IT puts policy.json) with an
;   ACL only SYSTEM and Administrators may write, Users read: by default every standard user
;   may create files there, and the machine policy outranks the bank's built-in one. SIDs,
;   not names (names are localised). The loader refuses a machine file (or its folder) that a
;   user owns or may write; the owner is left as it is, so a folder or file a user made before
;   the install stays refused until IT looks at it (never laundered into an admin-owned one).
; - The certdesk: scheme (links from the bank's page) for every user (HKLM\Software\Classes)
;   or the installing user (HKCU), the same command the app registers at its start.
; - The scheduled background check (`certdesk schedule install`, --all-users per machine), so
;   reminders come without anyone opening the app; the uninstaller removes it.
; electron-builder compiles with -WX: every function here is defined only in the build that
; calls it (installer or uninstaller), or makensis fails on an unreferenced function.
!include "LogicLib.nsh"
!include "WinMessages.nsh"

!define CERTDESK_ENV_HKCU "Environment"
!define CERTDESK_ENV_HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
!define CERTDESK_EVENT_SOURCE "SYSTEM\CurrentControlSet\Services\EventLog\Application\CertDesk"
!define CERTDESK_SCHEME "Software\Classes\certdesk"
; The longest value ReadRegStr can show whole: one of NSIS_MAX_STRLEN - 1 characters may be a
; longer one cut short (a value stored without its final NUL).
!define /math CERTDESK_READ_MAX ${NSIS_MAX_STRLEN} - 1
; The longest PATH written: one character less, so that the uninstaller can read it whole.
!define /math CERTDESK_WRITE_MAX ${NSIS_MAX_STRLEN} - 2

; The registers used below are saved around each macro: electron-builder's own code runs on.
!macro CERTDESK_SAVE
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  Push $R6
  Push $R7
  Push $R8
  Push $R9
!macroend
!macro CERTDESK_RESTORE
  Pop $R9
  Pop $R8
  Pop $R7
  Pop $R6
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $R0
!macroend

; Reads the Path value of ROOT's environment key. Out: $R0 the value, $R8 "ok", "absent" or
; "unreadable". ReadRegStr's error flag alone does not say absent (too long, or not a string,
; gives it too): only a key that opens, listed to its end without Path, shows it absent. A
; listing ends at the first error, and a value name longer than NSIS's buffer is an error too,
; so the index after the end must fail as well.
!macro CERTDESK_READ_PATH_FUNC PREFIX ROOT
Function ${PREFIX}certdeskReadPath${ROOT}
  StrCpy $R8 "ok"
  ClearErrors
  ReadRegStr $R0 ${ROOT} "${CERTDESK_ENV_${ROOT}}" "Path"
  IfErrors 0 read
  StrCpy $R0 ""
  StrCpy $R8 "unreadable"
  ClearErrors
  EnumRegKey $R3 ${ROOT} "${CERTDESK_ENV_${ROOT}}" 0
  IfErrors done
  StrCpy $R4 0
  enum:
    ClearErrors
    EnumRegValue $R3 ${ROOT} "${CERTDESK_ENV_${ROOT}}" $R4
    IfErrors ended
    StrCmp $R3 "Path" done
    IntOp $R4 $R4 + 1
    Goto enum
  ended:
    IntOp $R4 $R4 + 1
    ClearErrors
    EnumRegValue $R3 ${ROOT} "${CERTDESK_ENV_${ROOT}}" $R4
    IfErrors 0 done
    StrCpy $R8 "absent"
    Goto done
  read:
    StrLen $R3 $R0
    IntCmp $R3 ${CERTDESK_READ_MAX} 0 done 0
    StrCpy $R8 "unreadable"
  done:
FunctionEnd
!macroend

; In: $R0 a PATH value, $R1 a folder. Out: $R2, the value without every entry that is that
; folder (compared as Windows does, case-insensitively, with or without a final \), every
; other entry and separator kept as it was; $R6, how many were taken out.
!macro CERTDESK_PATH_SCAN_FUNC PREFIX
Function ${PREFIX}certdeskPathScan
  StrCpy $R2 ""
  StrCpy $R3 ""
  StrCpy $R4 0
  StrCpy $R6 0
  StrCpy $R7 "first"
  loop:
    StrCpy $R5 $R0 1 $R4
    StrCmp $R5 "" flush
    StrCmp $R5 ";" flush
    StrCpy $R3 "$R3$R5"
    IntOp $R4 $R4 + 1
    Goto loop
  flush:
    StrCmp $R3 $R1 drop
    StrCmp $R3 "$R1\" drop
    StrCmp $R7 "first" 0 append
    StrCpy $R2 $R3
    StrCpy $R7 ""
    Goto next
  append:
    StrCpy $R2 "$R2;$R3"
    Goto next
  drop:
    IntOp $R6 $R6 + 1
  next:
    StrCpy $R3 ""
    StrCmp $R5 "" done
    IntOp $R4 $R4 + 1
    Goto loop
  done:
FunctionEnd
!macroend

; The install's decision. In: $R0 and $R8 from certdeskReadPath, $R1 the folder. Out: $R9
; "write" with $R2 the new value, or "keep" (the details say why when PATH lacks the folder).
!macro CERTDESK_PATH_ADD_FUNC
Function certdeskPathAdd
  StrCpy $R9 "keep"
  StrCpy $R2 ""
  ; A folder holding ';' would be two entries.
  StrCpy $R4 0
  semi:
    StrCpy $R5 $R1 1 $R4
    StrCmp $R5 "" semiDone
    StrCmp $R5 ";" semicolon
    IntOp $R4 $R4 + 1
    Goto semi
  semiDone:
  StrCmp $R8 "unreadable" unreadable
  StrCmp $R8 "absent" 0 present
  StrCpy $R2 $R1
  StrCpy $R9 "write"
  Return
  present:
  Call certdeskPathScan
  IntCmp $R6 0 0 done done
  ; The new value's length, counted before it is made (NSIS would cut it at its limit).
  StrLen $R3 $R0
  StrLen $R4 $R1
  IntOp $R3 $R3 + $R4
  ; ';' before the entry unless PATH is empty, even after a final ';': taking ";<entry>" off
  ; again gives back exactly the value found.
  StrCpy $R2 $R0
  StrCmp $R0 "" join
  IntOp $R3 $R3 + 1
  StrCpy $R2 "$R2;"
  join:
  IntCmp $R3 ${CERTDESK_WRITE_MAX} 0 0 tooLong
  StrCpy $R2 "$R2$R1"
  StrCpy $R9 "write"
  Return
  tooLong:
    StrCpy $R2 ""
    DetailPrint "CertDesk: PATH was not changed: with $R1 it would be longer than ${CERTDESK_WRITE_MAX} characters, more than this installer can write safely. Add $R1 to PATH by hand (docs/it-guide.md)."
    Return
  unreadable:
    DetailPrint "CertDesk: PATH was not changed: it could not be read whole (longer than ${CERTDESK_READ_MAX} characters, or not a string). Add $R1 to PATH by hand (docs/it-guide.md)."
    Return
  semicolon:
    DetailPrint "CertDesk: PATH was not changed: the install folder contains ';'. Call $R1\certdesk.cmd by its full path (docs/it-guide.md)."
  done:
FunctionEnd
!macroend

; The uninstall's decision: exactly CertDesk's entry comes off; a value that cannot be read
; whole is left as it is; the value itself is never deleted. Out: $R9 "write" with $R2, or "keep".
!macro CERTDESK_PATH_REMOVE_FUNC
Function un.certdeskPathRemove
  StrCpy $R9 "keep"
  StrCmp $R8 "ok" scan
  StrCmp $R8 "absent" done
  DetailPrint "CertDesk: PATH was not changed: it could not be read whole (longer than ${CERTDESK_READ_MAX} characters, or not a string). Remove $R1 from PATH by hand if it is there."
  Return
  scan:
  Call un.certdeskPathScan
  IntCmp $R6 0 done
  StrCpy $R9 "write"
  done:
FunctionEnd
!macroend

!macro CERTDESK_WRITE_PATH ROOT
  ${If} $R9 == "write"
    WriteRegExpandStr ${ROOT} "${CERTDESK_ENV_${ROOT}}" "Path" $R2
    ; Tell running programs (Explorer, new consoles) that the environment changed.
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
!macroend

!macro CERTDESK_ADD_TO_PATH ROOT
  !insertmacro CERTDESK_SAVE
  Call certdeskReadPath${ROOT}
  StrCpy $R1 "$INSTDIR\bin"
  Call certdeskPathAdd
  !insertmacro CERTDESK_WRITE_PATH ${ROOT}
  !insertmacro CERTDESK_RESTORE
!macroend

!macro CERTDESK_REMOVE_FROM_PATH ROOT
  !insertmacro CERTDESK_SAVE
  Call un.certdeskReadPath${ROOT}
  StrCpy $R1 "$INSTDIR\bin"
  Call un.certdeskPathRemove
  !insertmacro CERTDESK_WRITE_PATH ${ROOT}
  !insertmacro CERTDESK_RESTORE
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

; certdesk: links, as the app registers them at its start (app/launch.ts): "--" before the
; link, so nothing in it is read as a switch.
!macro CERTDESK_REGISTER_SCHEME ROOT
  WriteRegStr ${ROOT} "${CERTDESK_SCHEME}" "" "URL:certdesk"
  WriteRegStr ${ROOT} "${CERTDESK_SCHEME}" "URL Protocol" ""
  WriteRegStr ${ROOT} "${CERTDESK_SCHEME}\shell\open\command" "" '"$INSTDIR\certdesk.exe" "--" "%1"'
!macroend

; Only a registration that starts this install's certdesk.exe is removed (another install's,
; or another program's, stays).
!macro CERTDESK_UNREGISTER_SCHEME ROOT
  ClearErrors
  ReadRegStr $R0 ${ROOT} "${CERTDESK_SCHEME}\shell\open\command" ""
  ${IfNot} ${Errors}
  ${AndIf} $R0 == '"$INSTDIR\certdesk.exe" "--" "%1"'
    DeleteRegKey ${ROOT} "${CERTDESK_SCHEME}"
  ${EndIf}
!macroend

; The scheduled check (issue 27): `certdesk schedule install|remove [--all-users]`, run by the
; installed app itself, headless. A failure leaves the install in place and says so.
!macro CERTDESK_SCHEDULE ACTION SCOPE
  nsExec::ExecToLog '"$INSTDIR\certdesk.exe" --headless schedule ${ACTION}${SCOPE}'
  Pop $R0
  ${If} $R0 != 0
    DetailPrint "CertDesk: certdesk schedule ${ACTION}${SCOPE} failed ($R0); run it again from $INSTDIR\bin (docs/it-guide.md)."
  ${EndIf}
!macroend

!ifndef BUILD_UNINSTALLER
  !insertmacro CERTDESK_READ_PATH_FUNC "" HKLM
  !insertmacro CERTDESK_READ_PATH_FUNC "" HKCU
  !insertmacro CERTDESK_PATH_SCAN_FUNC ""
  !insertmacro CERTDESK_PATH_ADD_FUNC

  !macro customInstall
    !insertmacro CERTDESK_SAVE
    ${If} $installMode == "all"
      !insertmacro CERTDESK_ADD_TO_PATH HKLM
      ; The event source for eventcreate /SO CertDesk (EventCreate.exe holds the message table).
      WriteRegExpandStr HKLM "${CERTDESK_EVENT_SOURCE}" "EventMessageFile" "%SystemRoot%\System32\EventCreate.exe"
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "TypesSupported" 7
      WriteRegDWORD HKLM "${CERTDESK_EVENT_SOURCE}" "CustomSource" 1
      !insertmacro CERTDESK_LOCK_POLICY_FOLDER
      !insertmacro CERTDESK_REGISTER_SCHEME HKLM
      !insertmacro CERTDESK_SCHEDULE install " --all-users"
    ${Else}
      !insertmacro CERTDESK_ADD_TO_PATH HKCU
      !insertmacro CERTDESK_REGISTER_SCHEME HKCU
      !insertmacro CERTDESK_SCHEDULE install ""
    ${EndIf}
    !insertmacro CERTDESK_RESTORE
  !macroend
!else
  !insertmacro CERTDESK_READ_PATH_FUNC "un." HKLM
  !insertmacro CERTDESK_READ_PATH_FUNC "un." HKCU
  !insertmacro CERTDESK_PATH_SCAN_FUNC "un."
  !insertmacro CERTDESK_PATH_REMOVE_FUNC

  ; Runs before electron-builder removes the files (the schedule is removed by the app itself).
  !macro customUnInstall
    !insertmacro CERTDESK_SAVE
    ${If} $installMode == "all"
      !insertmacro CERTDESK_SCHEDULE remove " --all-users"
      !insertmacro CERTDESK_REMOVE_FROM_PATH HKLM
      DeleteRegKey HKLM "${CERTDESK_EVENT_SOURCE}"
      !insertmacro CERTDESK_UNREGISTER_SCHEME HKLM
    ${Else}
      !insertmacro CERTDESK_SCHEDULE remove ""
      !insertmacro CERTDESK_REMOVE_FROM_PATH HKCU
      !insertmacro CERTDESK_UNREGISTER_SCHEME HKCU
    ${EndIf}
    !insertmacro CERTDESK_RESTORE
  !macroend
!endif
