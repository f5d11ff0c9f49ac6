; Bộ cài đặt Windows của Sổ Dân vận khéo (NSIS 3, Modern UI 2).
; Compiled by `python -m tools.build` against the PyInstaller bundle, which passes:
;   -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DSRCDIR=<dist/SoDanVanKheo> -DOUTFILE=<setup.exe> -DICON=<app.ico>
;   -DSIZE_KB=<bundle size> and, when building on Linux (a check of this script, not a deliverable),
;   -DCOMPRESSOR=zlib: solid lzma over 200 MB takes ten minutes there.
; Per-user: installs into %LOCALAPPDATA%\Programs\SoDanVanKheo without administrator rights. The uninstaller
; removes the program and keeps the data folder %LOCALAPPDATA%\SoDanVanKheo (the database, backups, logs)
; unless the user says yes to deleting it; a silent uninstall (/S) always keeps it.

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !error "Thiếu -DVERSION (hãy dùng: python -m tools.build)"
!endif
!ifndef VERSION4
  !error "Thiếu -DVERSION4"
!endif
!ifndef SRCDIR
  !error "Thiếu -DSRCDIR (thư mục gói chương trình dist/SoDanVanKheo)"
!endif
!ifndef OUTFILE
  !define OUTFILE "SoDanVanKheo-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\icons\app.ico"
!endif
!ifndef SIZE_KB
  !define SIZE_KB 0
!endif
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"
!endif

!define APP_NAME "Sổ Dân vận khéo"
!define APP_ID "SoDanVanKheo"
!define APP_EXE "SoDanVanKheo.exe"
!define CLI_EXE "SoDanVanKheo-cli.exe"
!define PUBLISHER "Sổ Dân vận khéo"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define MENU_FOLDER "$SMPROGRAMS\${APP_NAME}"
!define DATA_DIR "$LOCALAPPDATA\${APP_ID}"
!define GUIDE_PDF "$INSTDIR\_internal\resources\guide\huong-dan-su-dung.pdf"

Name "${APP_NAME}"
Caption "Cài đặt ${APP_NAME} ${VERSION}"
UninstallCaption "Gỡ cài đặt ${APP_NAME}"
BrandingText "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
SetCompressor ${COMPRESSOR}
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "Dừng cài đặt ${APP_NAME}?"

!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_NAME} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình sẽ được cài cho riêng tài khoản Windows này, không cần quyền quản trị.$\r$\n$\r$\nDữ liệu của cơ quan được giữ trong thư mục $LOCALAPPDATA\${APP_ID}; cài lại hoặc cập nhật phiên bản mới không làm mất dữ liệu.$\r$\n$\r$\nNếu ${APP_NAME} đang mở, hãy đóng lại trước khi cài.$\r$\n$\r$\n$_CLICK"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "Đã cài đặt xong ${APP_NAME}"
!define MUI_FINISHPAGE_TEXT "Chương trình có biểu tượng trên màn hình nền và trong menu Start (mục ${APP_NAME}), cùng với Hướng dẫn sử dụng."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_NAME}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Bộ cài đặt ${APP_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "© ${PUBLISHER}"

Section "${APP_NAME}" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update replaces the program's own files; the data folder and a portable du-lieu folder are left alone.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SRCDIR}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateDirectory "${MENU_FOLDER}"
  CreateShortcut "${MENU_FOLDER}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  IfFileExists "${GUIDE_PDF}" 0 +2
    CreateShortcut "${MENU_FOLDER}\Hướng dẫn sử dụng.lnk" "${GUIDE_PDF}"
  CreateShortcut "${MENU_FOLDER}\Gỡ cài đặt ${APP_NAME}.lnk" "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" ${SIZE_KB}
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "${MENU_FOLDER}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  ; Not /r: a portable copy's du-lieu folder (and anything else the user put there) stays.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"

  ; The data is the office's years of work: kept unless the user says otherwise; /S keeps it.
  IfFileExists "${DATA_DIR}\*.*" 0 done
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "Xóa luôn dữ liệu của cơ quan?$\r$\n$\r$\nThư mục ${DATA_DIR} chứa tệp dữ liệu, các bản sao lưu và nhật ký. Nếu xóa, mọi mô hình, điển hình, điểm chấm và quyết định đã nhập sẽ mất hẳn.$\r$\n$\r$\nChọn Không (nên chọn) để giữ lại: cài lại chương trình sẽ dùng tiếp dữ liệu này." /SD IDNO IDYES delete_data
  DetailPrint "Giữ lại dữ liệu trong ${DATA_DIR}"
  Goto done
  delete_data:
    RMDir /r "${DATA_DIR}"
    ; The window's remembered size and position (Qt settings in the registry).
    DeleteRegKey HKCU "Software\${APP_ID}"
    DetailPrint "Đã xóa dữ liệu trong ${DATA_DIR}"
  done:
SectionEnd
