// The desktop app's reminder wiring as app/desktop does it, without a window: the composed
// core with the notifier as its `remind`, the reminder clock, and the window's overview.
import { composeCoreOrFailing } from '../../src/main/core/compose';
import { createNotifier, startReminderClock } from '../../src/main/app/notifier';
import { stringsFor } from '../../src/main/app/strings';

export async function desktopReminders(s: { policyFile: string; dataDir: string }, atLogin: boolean, opts: { windowFirst?: boolean } = {}) {
  const notify = createNotifier({ strings: () => stringsFor('ja'), onClick: () => undefined });
  const wiring = await composeCoreOrFailing({ policyFile: s.policyFile, env: { ...process.env, CERTDESK_DATA_DIR: s.dataDir }, emit: () => undefined, remind: notify });
  wiring.settings.set('remindersAtLogin', atLogin);
  const windowOverview = async () => {
    const r = await wiring.service.getOverview();
    if (!r.ok) throw new Error(r.error.message);
  };
  if (opts.windowFirst) await windowOverview();
  const clock = startReminderClock(() => wiring.service.getOverview());
  await clock.checkNow();
  return { windowOverview, dailyCheck: () => clock.checkNow(), close: async () => clock.stop() };
}
