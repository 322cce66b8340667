// `--import`ed into a core process the tests fork: the test moves this process's clock (the
// bank simulator's and the core's together, as the e2e tests did with the service's `now`).
// Its one message, { t: 'test:clock', at }, is taken here and never reaches the core's channel.
const RealDate = Date;
let offset = 0;

class TestDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = TestDate;

const emit = process.emit;
process.emit = function (name, message, ...rest) {
  if (name === 'message' && message && typeof message === 'object' && message.t === 'test:clock') {
    offset = message.at === null ? 0 : message.at - RealDate.now();
    return true;
  }
  return emit.call(this, name, message, ...rest);
};
