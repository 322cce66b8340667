// The Electron main process: decides between the headless command line and the desktop
// app, and sets up what must exist before `ready` (the app:// scheme, the hardening of
// every web contents). Everything else is in the modules it wires.
import { app, protocol } from 'electron';
import { APP_SCHEME_PRIVILEGES } from './app/protocol';
import { readLaunchArgs, refusedLaunchLine } from './app/headless-args';
import { launchLinks, registerLinkScheme } from './app/launch';
import { hardenWebContents } from './app/security';

// Our switches only before `--`; after it one certdesk: link or the launch is refused (app/headless-args).
const launch = readLaunchArgs(process.argv);

// Before anything can create a web contents.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

if (launch.mode === 'refused') {
  // Before the single-instance lock: a running app never hears of it. No window.
  void import('./app/logging').then((m) => {
    m.setupLogging(app.getPath('logs')).warn(refusedLaunchLine(launch, process.argv));
    app.exit(2);
  });
} else if (launch.mode === 'headless') {
  void import('./app/headless').then((m) => m.runHeadless(launch.args));
} else if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance focuses its window and takes its certdesk: link (see app/desktop); this one ends.
  app.quit();
} else {
  registerLinkScheme(app, process.platform, process.execPath, launchLinks);
  void import('./app/desktop').then((m) => m.runDesktop(launch));
}
