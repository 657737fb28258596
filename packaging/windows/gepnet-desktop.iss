; GEP-NET Pathway: the Windows installer (Inno Setup 6). Build on Windows after the bundle:
;
;   .venv\Scripts\pyinstaller --noconfirm --clean build.spec
;   .venv\Scripts\python packaging\windows\write_version.py
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\gepnet-desktop.iss
;
; It makes dist\gepnet-desktop-setup-<version>.exe from dist\gepnet-desktop\ (the folder the
; spec makes: gepnet-desktop.exe, gepnet-desktop-cli.exe and _internal\). The version comes from
; gepnet_desktop\__init__.py through dist\installer-version.iss (written by write_version.py);
; the icon is resources\icons\gepnet-desktop.ico, the one the spec puts in the executables.
;
; Per machine, into Program Files; Start-menu shortcuts, and a desktop shortcut if ticked.
; Deployment: gepnet-desktop-setup-<version>.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; (add /TASKS="desktopicon" for the desktop shortcut). Uninstalling removes the program only:
; each user's data (%LOCALAPPDATA%\GEPNET-Pathway, or the site policy's data folder) and the site
; policy (%ProgramData%\GEPNET-Pathway\site.ini) are never touched.

#include "..\..\dist\installer-version.iss"
#ifndef AppVersion
  #error dist\installer-version.iss does not define AppVersion: run packaging\windows\write_version.py
#endif

#define AppName "GEP-NET Pathway"
#define AppExe "gepnet-desktop.exe"
#define AppCliExe "gepnet-desktop-cli.exe"
#define BundleDir "..\..\dist\gepnet-desktop"
#define AppIcon "..\..\resources\icons\gepnet-desktop.ico"

[Setup]
; The AppId stays the same for every version: a newer installer upgrades the installed one.
AppId={{6F1C2E4A-3B7D-4E8F-9A21-5C0D8B7E6A14}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=gepnet-desktop-setup-{#AppVersion}
SetupIconFile={#AppIcon}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's own folder whole (no file of an older version stays).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\{#AppCliExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\site.ini.example"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Code]: the uninstaller removes only what this script installed.
