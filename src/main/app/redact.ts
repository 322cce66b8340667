// The redactor lives in src/shared (the core, the shell and the command line share it).
export { isSecretName, redact, redactText } from '../../shared/redact';
