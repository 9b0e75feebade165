; Inno Setup script: one per-user installer file for ThiDua Desktop (no administrator rights needed).
; Build on Windows after PyInstaller (see installer/README.md):
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\thidua.iss
; The result is installer\Output\ThiDuaDesktop-Setup-<version>.exe.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ThiDua Desktop"
#define AppExe "ThiDuaDesktop.exe"
; platformdirs' per-user data folder of the program (thidua_desktop/paths.py): database, backups, logs.
#define DataFolder "{localappdata}\ThiDuaDesktop"

[Setup]
; Never change the AppId: Windows knows an upgrade of the same program by it.
AppId={{6B0E3C2A-7D41-4F2B-9C55-1E8A0F3D2B71}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ThiDua Desktop
; Per user: installs under the officer's own profile, so no administrator password is asked.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\ThiDuaDesktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=Output
OutputBaseFilename=ThiDuaDesktop-Setup-{#AppVersion}
SetupIconFile=..\resources\icon\thidua.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The program is 64-bit (PySide6 ships 64-bit Qt only).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running copy is closed before its files are replaced.
CloseApplications=yes

[Languages]
#ifexist "Vietnamese.isl"
Name: "vi"; MessagesFile: "Vietnamese.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DesktopIcon=Tạo biểu tượng trên màn hình
Shortcuts=Biểu tượng:
RemoveData=Xóa cả dữ liệu của xã (tệp dữ liệu, các bản sao lưu, nhật ký) trong %1?%n%nChọn "No" để giữ lại dữ liệu: cài lại chương trình sẽ dùng tiếp dữ liệu này.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:Shortcuts}"

[InstallDelete]
; An upgrade replaces the whole program folder: no library of an older version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\ThiDuaDesktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "Mở {#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
// The data folder is kept on uninstall unless the officer asks to remove it (default: keep).
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folder: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    Folder := ExpandConstant('{#DataFolder}');
    if DirExists(Folder) and not UninstallSilent then
      if MsgBox(FmtMessage(CustomMessage('RemoveData'), [Folder]), mbConfirmation,
                MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(Folder, True, True, True);
  end;
end;
