/**
 * What a node added with `mailfleet node add` (or the console's "Add node") may be called and do.
 * Apart from add-node.ts because the console contract, which the page's bundle reads, uses it.
 */

/** The roles `node add` makes; a director or gateway needs mail settings written by hand. */
export const addableRoles = ['store', 'spare'] as const;
export type AddableRole = (typeof addableRoles)[number];

/** A node name: the `cn` of its server entry, also a logical store's name for a store. */
export const nodeNamePattern = /^[a-z][a-z0-9-]{0,62}$/;
