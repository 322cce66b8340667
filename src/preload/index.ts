// Exposes exactly the contract on `window.certdesk`: one function per method, written out
// so that a changed signature in the contract breaks this file's typecheck too, and a
// typed `on` for its events. Nothing generic: the renderer cannot name a channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_EVENTS,
  channelOf,
  eventChannelOf,
  PIN_ANSWER_CHANNEL,
  PROXY_AUTH_ANSWER_CHANNEL,
  type AcquireRequest,
  type BankPage,
  type ApiEvent,
  type ApiMethod,
  type CertDeskApi,
  type CertDeskBridge,
  type CertDeskEvents,
  type PinAnswer,
  type ProxyAuthAnswer,
  type Result,
  type SettingsPatch,
} from '../shared/contract';

function invoke<M extends ApiMethod>(method: M, ...args: Parameters<CertDeskApi[M]>): ReturnType<CertDeskApi[M]> {
  return ipcRenderer.invoke(channelOf(method), ...args) as ReturnType<CertDeskApi[M]>;
}

const bridge: CertDeskBridge = {
  getOverview: () => invoke('getOverview'),
  getDetails: (fingerprint: string) => invoke('getDetails', fingerprint),
  runPreflight: (fingerprint: string) => invoke('runPreflight', fingerprint),
  renew: (fingerprint: string) => invoke('renew', fingerprint),
  removeSuperseded: (fingerprint: string) => invoke('removeSuperseded', fingerprint),
  acquire: (request: AcquireRequest) => invoke('acquire', { loginId: request.loginId, password: request.password }),
  cancel: () => invoke('cancel'),
  getDiagnostics: () => invoke('getDiagnostics'),
  saveDiagnostics: () => invoke('saveDiagnostics'),
  getSettings: () => invoke('getSettings'),
  updateSettings: (patch: SettingsPatch) => invoke('updateSettings', patch),
  // No page = the site (the contract's default); a page travels only when given.
  openBankSite: (page?: BankPage) => (page === undefined ? invoke('openBankSite') : invoke('openBankSite', page)),
  // Field by field: nothing else the page puts on the object crosses to main.
  answerProxyAuth: (id: string, answer: ProxyAuthAnswer | null) =>
    ipcRenderer.invoke(PROXY_AUTH_ANSWER_CHANNEL, id, answer ? { username: answer.username, password: answer.password, remember: answer.remember } : null) as Promise<Result<{ accepted: boolean }>>,
  answerPin: (id: string, answer: PinAnswer | null) =>
    ipcRenderer.invoke(PIN_ANSWER_CHANNEL, id, answer ? { pin: answer.pin, remember: answer.remember } : null) as Promise<Result<{ accepted: boolean }>>,
  on<E extends ApiEvent>(event: E, listener: (payload: CertDeskEvents[E]) => void) {
    if (!(API_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
    const wrapped = (_e: IpcRendererEvent, payload: CertDeskEvents[E]) => listener(payload);
    ipcRenderer.on(eventChannelOf(event), wrapped);
    return () => {
      ipcRenderer.removeListener(eventChannelOf(event), wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('certdesk', bridge);
