// What machine-trust.ts's ACL_SCRIPT prints on a real PC, for the tests that simulate Windows.

export const USER_SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';
/** FileSystemRights: FullControl, ReadAndExecute + Synchronize, Modify + Synchronize, AppendData alone. */
export const RIGHTS = { full: 2032127, readExecute: 1179817, modify: 1245631, append: 4 } as const;

export interface Ace { Sid: string; Rights: number; Type: 'Allow' | 'Deny'; InheritOnly?: boolean }
/** The folder the installer made (icacls /inheritance:r, SYSTEM and Administrators full, Users read). */
export const INSTALLER_ACL: Ace[] = [
  { Sid: 'S-1-5-18', Rights: RIGHTS.full, Type: 'Allow' },
  { Sid: 'S-1-5-32-544', Rights: RIGHTS.full, Type: 'Allow' },
  { Sid: 'S-1-5-32-545', Rights: RIGHTS.readExecute, Type: 'Allow' },
];

/** A PowerShell runner answering for every path asked with this owner and ACL (default: the installer's). */
export const aclAnswer =
  (owner = 'S-1-5-32-544', access: Ace[] = INSTALLER_ACL, calls: { file: string; args: string[]; env: Record<string, string> }[] = []) =>
  async (file: string, args: string[], env: Record<string, string>) => {
    calls.push({ file, args, env });
    return {
      code: 0,
      stdout: '\uFEFF' + JSON.stringify({ User: USER_SID, Items: env.CERTDESK_ACL_PATHS!.split('|').map((p) => ({ Path: p, Owner: owner, Access: access })) }) + '\r\n',
    };
  };

export const adminOnlyAcl = aclAnswer();
