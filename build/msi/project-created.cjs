// electron-builder's msiProjectCreated hook (electron-builder.yml): adds to the MSI what the
// per-machine NSIS installer does in build/installer.nsh, so a silent `msiexec /i … /qn` leaves a
// working app (docs/it-guide.md, "What each installer does"). electron-builder writes its WiX
// project (app-builder-lib/templates/msi/template.xml) and calls this with the file's path before
// candle/light compile it; only Windows Installer's own tables are used, no extension:
// - PATH: the Environment table appends <install folder>\bin to the machine's PATH and takes
//   exactly that part off at uninstall (no string limit, never the whole value);
// - the Application event log source "CertDesk" (registry; removed with the product);
// - %ProgramData%\CertDesk with an ACL only SYSTEM and Administrators may write, Users read
//   (MsiLockPermissionsEx, SDDL: the same rights, by SID, as the NSIS include's icacls; the owner
//   is not changed); removed at uninstall only when empty (IT's policy.json stays);
// - the certdesk: scheme for every user, the command the app registers at its start;
// - the scheduled check for every user: `certdesk schedule install --all-users` after the files
//   are in place, `schedule remove --all-users` before they go at a removal (not at an upgrade,
//   whose new version installs it again). A failure there does not roll the install back.
'use strict';
// CommonJS: electron-builder's hook resolver require()s a hook file (app-builder-lib util/resolve).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readFile, writeFile } = require('node:fs/promises');

// Fixed component GUIDs: the same components in every version (Windows Installer's component rules).
const GUID = {
  path: '7C1F3E0A-5B2D-4E8F-9A61-3D2C4B5A6E01',
  eventSource: '7C1F3E0A-5B2D-4E8F-9A61-3D2C4B5A6E02',
  policyFolder: '7C1F3E0A-5B2D-4E8F-9A61-3D2C4B5A6E03',
  scheme: '7C1F3E0A-5B2D-4E8F-9A61-3D2C4B5A6E04',
};
const MARK = 'HKLM';
const KEYPATH = (name) => `<RegistryValue Root="${MARK}" Key="Software\\CertDesk\\Installer" Name="${name}" Type="integer" Value="1" KeyPath="yes"/>`;
/** D:P = protected (inheritance off); OICI = inherited by files and folders; FA full, 0x1200a9 read and execute. */
const POLICY_SDDL = 'D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)';
const LINK_COMMAND = '&quot;[APPLICATIONFOLDER]certdesk.exe&quot; &quot;--&quot; &quot;%1&quot;';

const COMPONENTS = `
    <!-- CertDesk (build/msi/project-created.cjs) -->
    <DirectoryRef Id="TARGETDIR">
      <Directory Id="CommonAppDataFolder">
        <Directory Id="CERTDESKPOLICYDIR" Name="CertDesk"/>
      </Directory>
    </DirectoryRef>
    <ComponentGroup Id="CertDeskSystem">
      <Component Id="CertDeskPath" Directory="APPLICATIONFOLDER" Guid="${GUID.path}">
        <Environment Id="CertDeskPath" Name="PATH" Value="[APPLICATIONFOLDER]bin" Part="last" Action="set" System="yes" Permanent="no"/>
        ${KEYPATH('path')}
      </Component>
      <Component Id="CertDeskEventSource" Directory="APPLICATIONFOLDER" Guid="${GUID.eventSource}">
        <RegistryKey Root="HKLM" Key="SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\CertDesk">
          <RegistryValue Name="EventMessageFile" Type="expandable" Value="%SystemRoot%\\System32\\EventCreate.exe" KeyPath="yes"/>
          <RegistryValue Name="TypesSupported" Type="integer" Value="7"/>
          <RegistryValue Name="CustomSource" Type="integer" Value="1"/>
        </RegistryKey>
      </Component>
      <Component Id="CertDeskPolicyFolder" Directory="CERTDESKPOLICYDIR" Guid="${GUID.policyFolder}">
        <CreateFolder>
          <PermissionEx Sddl="${POLICY_SDDL}"/>
        </CreateFolder>
        ${KEYPATH('policyFolder')}
      </Component>
      <Component Id="CertDeskScheme" Directory="APPLICATIONFOLDER" Guid="${GUID.scheme}">
        <RegistryKey Root="HKLM" Key="Software\\Classes\\certdesk">
          <RegistryValue Type="string" Value="URL:certdesk" KeyPath="yes"/>
          <RegistryValue Name="URL Protocol" Type="string" Value=""/>
        </RegistryKey>
        <RegistryValue Root="HKLM" Key="Software\\Classes\\certdesk\\shell\\open\\command" Type="string" Value="${LINK_COMMAND}"/>
      </Component>
    </ComponentGroup>
    <CustomAction Id="CertDeskScheduleInstall" FileKey="mainExecutable" ExeCommand="--headless schedule install --all-users" Execute="deferred" Impersonate="no" Return="ignore"/>
    <CustomAction Id="CertDeskScheduleRemove" FileKey="mainExecutable" ExeCommand="--headless schedule remove --all-users" Execute="deferred" Impersonate="no" Return="ignore"/>
`;
const SEQUENCE = `
      <Custom Action="CertDeskScheduleInstall" After="InstallFiles">NOT (REMOVE~="ALL")</Custom>
      <Custom Action="CertDeskScheduleRemove" Before="RemoveFiles">REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE</Custom>
`;

/** The project's text with CertDesk's additions; throws when electron-builder's template changed where they go. */
function addCertDesk(wxs) {
  const groupRef = '<ComponentGroupRef Id="ProductComponents"/>';
  const end = '</Product>';
  if (!wxs.includes(groupRef) || wxs.indexOf(end) < 0 || !wxs.includes('Id="mainExecutable"') || !wxs.includes('Id="APPLICATIONFOLDER"')) {
    throw new Error('msiProjectCreated: electron-builder\'s WiX project has changed (ProductComponents, mainExecutable, APPLICATIONFOLDER or </Product> not found): update build/msi/project-created.cjs');
  }
  if (wxs.includes('CertDeskSystem')) throw new Error('msiProjectCreated: the project already has CertDesk\'s additions');
  let out = wxs.replace(groupRef, `${groupRef}\n      <ComponentGroupRef Id="CertDeskSystem"/>`);
  const seqEnd = '</InstallExecuteSequence>';
  const sequence = out.includes(seqEnd) ? '' : `    <InstallExecuteSequence>${SEQUENCE}    </InstallExecuteSequence>\n`;
  if (!sequence) out = out.replace(seqEnd, `${SEQUENCE}    ${seqEnd}`);
  const at = out.lastIndexOf(end);
  return `${out.slice(0, at)}${COMPONENTS}${sequence}  ${out.slice(at)}`;
}

async function msiProjectCreated(projectFile) {
  await writeFile(projectFile, addCertDesk(await readFile(projectFile, 'utf8')));
}

module.exports = msiProjectCreated;
module.exports.msiProjectCreated = msiProjectCreated;
module.exports.addCertDesk = addCertDesk;
module.exports.POLICY_SDDL = POLICY_SDDL;
