// The Electron main process: decides between the headless command line and the desktop
// app, and sets up what must exist before `ready` (the app:// scheme, the hardening of
// every web contents). Everything else is in the modules it wires.
import { app, protocol } from 'electron';
import { APP_SCHEME_PRIVILEGES } from './app/protocol';
import { headlessArgs } from './app/headless-args';
import { launchLinks } from './app/launch';
import { LINK_SCHEME } from './app/launch-link';
import { hardenWebContents } from './app/security';

const headless = headlessArgs(process.argv);

// Before anything can create a web contents.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

if (headless) {
  void import('./app/headless').then((m) => m.runHeadless(headless));
} else if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance focuses its window (see app/desktop) and this one ends.
  app.quit();
} else {
  // macOS hands a certdesk: link over by this event, possibly before \`ready\`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    launchLinks.receive(url);
  });
  // Windows and macOS learn the certdesk: scheme from the installed app itself; Linux from
  // the .desktop file's MimeType (electron-builder.yml). Not in development: it would
  // register the bare Electron binary. Reviewed: a link only reaches app/launch-link's strict
  // parser and then the window's confirmation, never an action. eng-disable reason: that review.
  if (app.isPackaged && process.platform !== 'linux') app.setAsDefaultProtocolClient(LINK_SCHEME); // eng-disable PROTOCOL_HANDLER_JS_CHECK
  void import('./app/desktop').then((m) => m.runDesktop());
}
