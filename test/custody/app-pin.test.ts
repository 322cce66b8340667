// The app's PIN asked per operation, on softhsm2 (see app-pin-suite).
import { appPinSuite } from './app-pin-suite';
import { SOFTHSM_KIND } from './token-renewal-suite';

appPinSuite(SOFTHSM_KIND, { wrongPins: 3 });
