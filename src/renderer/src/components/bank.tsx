// What the screens know of the bank beyond the overview: its helpdesk and the pages the
// policy names, from the settings view; and a way to open one of those pages. A context,
// because the helpdesk line appears on nearly every screen.
import { createContext, useContext } from 'react';
import type { BankPage, SettingsView, SupportView } from '../../../shared/contract';

export interface BankInfo {
  bankName: string;
  support: SupportView | undefined;
  pages: readonly BankPage[];
  openPage(page: BankPage): void;
}

export const BankContext = createContext<BankInfo>({ bankName: '', support: undefined, pages: [], openPage: () => undefined });

export const useBank = (): BankInfo => useContext(BankContext);

export function bankInfo(bankName: string, settings: SettingsView | null, openPage: (page: BankPage) => void): BankInfo {
  return { bankName, support: settings?.support, pages: settings?.bankPages ?? [], openPage };
}
