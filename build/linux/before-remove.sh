#!/bin/sh
# The deb's prerm (electron-builder.yml deb.fpm: --before-remove; fpm does not fill in
# electron-builder's template variables, so the folder is written out: /opt/<productName>).
# At a removal, while the app is still there, the scheduled check is removed for every user;
# at an upgrade it stays (the new version's after-install installs it again).
case "$1" in
  remove | purge)
    '/opt/CertDesk 電子証明書/bin/certdesk' schedule remove --all-users ||
      echo "certdesk: schedule remove --all-users failed; remove the schedule by hand (docs/it-guide.md)." >&2
    ;;
esac
exit 0
