/**
 * nodemailer (a client no one here wrote) to a lab node's SMTP port as fleet.json lists it, sending
 * from a chosen loopback address: 127.0.0.1 is the one the lab's director trusts (its gateway's
 * relay); any other 127.x is an outside server.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { fleetProfileSchema } from '../../main/core/fleet-profile.js';

/** A transport to `node`'s `smtp` endpoint of the lab in `home`, from `localAddress`; close it after use. */
export async function labSmtpTransport(home: string, node: string, localAddress: string) {
  const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
  const smtp = profile.nodes.find((n) => n.name === node)?.services.smtp;
  if (!smtp) throw new Error(`fleet.json lists no smtp for ${node}`);
  const at = smtp.lastIndexOf(':');
  return nodemailer.createTransport({
    host: smtp.slice(0, at),
    port: Number(smtp.slice(at + 1)),
    secure: false,
    ignoreTLS: true,
    localAddress,
  });
}
