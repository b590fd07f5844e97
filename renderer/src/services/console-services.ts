/**
 * The services the views use, on the one console client of this window. Views call these; only
 * services/ touches the API.
 */
import type { ConsoleApi, ConsoleLocale, SessionState } from '../../../main/console/console-contract';
import { useAddNodeStore } from '../store/add-node/add-node-store';
import { useDirectoryStore } from '../store/directory/directory-store';
import { useFailoverStore } from '../store/failover/failover-store';
import { useFleetStore } from '../store/fleet/fleet-store';
import { useMovesStore } from '../store/moves/moves-store';
import { useNodeStore } from '../store/nodes/node-store';
import { useUiStore } from '../store/ui/ui-store';
import { AddNodeService } from './add-node-service';
import { type ConsoleClient, openConsoleClient } from './console-client';
import { DirectoryService } from './directory-service';
import { FailoverService } from './failover-service';
import { startFleetFeed } from './fleet-service';
import { chooseLocale, loadLocale } from './locale-service';
import { MoveService } from './move-service';
import { startNavigation } from './navigation-service';
import { startNodeHistory } from './node-service';

let client: ConsoleClient | undefined;
let directory: DirectoryService | undefined;
let moves: MoveService | undefined;
let failover: FailoverService | undefined;
let addNode: AddNodeService | undefined;

let started = false;

/**
 * Connects the window to the console (once) and loads its language: enough for the sign-in page.
 */
export function connectConsole(): ConsoleApi {
  if (!client) {
    client = openConsoleClient();
    client.onLinkState((state) => useUiStore.getState().showLink(state));
    void loadLocale(client.api, useUiStore).catch(() => {});
  }
  return client.api;
}

/**
 * Starts the feeds (once), for whoever is using the console: a signed-in helpdesk or department
 * admin does not ask for what its tier may not see (failover, adding nodes).
 */
export function startConsoleServices(session?: SessionState): void {
  const api = connectConsole();
  if (started) return;
  started = true;
  startFleetFeed(api, useFleetStore);
  startNavigation(useUiStore);
  startNodeHistory(useFleetStore, useNodeStore);
  moveServices()?.start();
  const system = session?.state !== 'signed-in' || session.admin.tier === 'system';
  if (system || session?.admin.tier === 'helpdesk') failoverServices()?.start();
  if (system) void addNodeServices()?.load();
}

/** The user picked a language. */
export function switchLocale(locale: ConsoleLocale): void {
  if (client) void chooseLocale(client.api, useUiStore, locale);
}

/** This window's console API, once started (for the other services of this folder only). */
export function consoleApi(): ConsoleApi | undefined {
  return client?.api;
}

/** The directory view's services (undefined before the console services start). */
export function directoryServices(): DirectoryService | undefined {
  if (!directory && client) directory = new DirectoryService(client.api, useDirectoryStore);
  return directory;
}

/** Mailbox moves' services (undefined before the console services start). */
export function moveServices(): MoveService | undefined {
  if (!moves && client)
    moves = new MoveService(client.api, useMovesStore, useDirectoryStore, directoryServices);
  return moves;
}

/** Failover's services (undefined before the console services start). */
export function failoverServices(): FailoverService | undefined {
  if (!failover && client) failover = new FailoverService(client.api, useFailoverStore);
  return failover;
}

/** "Add node"'s services (undefined before the console services start). */
export function addNodeServices(): AddNodeService | undefined {
  if (!addNode && client) addNode = new AddNodeService(client.api, useAddNodeStore);
  return addNode;
}
