/** The "Add node" dialog's fields as the call's params: empty fields are the defaults, bad ports are caught in the page. */
import { expect, test } from 'vitest';
import { addNodeParamsOf } from '../../renderer/src/services/add-node-service';

test('the form becomes the call as typed: empty fields are the defaults, bad ports are caught', () => {
  const form = {
    host: ' admin@store36.example.edu ',
    name: 'store36',
    role: 'store' as const,
    address: '',
    listen: '',
    controlPort: '',
    lmtpPort: '',
    imapPort: '',
    pop3Port: '',
    prefix: '',
    sshConfigFile: '',
  };
  expect(addNodeParamsOf(form)).toEqual({
    host: 'admin@store36.example.edu',
    name: 'store36',
    role: 'store',
  });
  expect(addNodeParamsOf({ ...form, controlPort: '4012x' })).toBeUndefined();
  expect(addNodeParamsOf({ ...form, lmtpPort: '24' })).toBeUndefined();
  expect(
    addNodeParamsOf({ ...form, lmtpPort: '24', imapPort: '143', pop3Port: '110', controlPort: '40123' }),
  ).toEqual({
    host: 'admin@store36.example.edu',
    name: 'store36',
    role: 'store',
    controlPort: 40123,
    mailPorts: { lmtp: 24, imap: 143, pop3: 110 },
  });
});
