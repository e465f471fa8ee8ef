import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { requireAuthenticated, restrictTag, type ServerRule } from '../auth/authorization.js';
import type { BastionMeta } from '../server/meta.js';

interface Note {
  id: number;
  text: string;
  createdAt: string;
}

const MAX_NOTES_PER_PRINCIPAL = 1_000;

/** The demo backend that `npm start` serves: notes kept in memory, per principal. */
export function createDemoRouter() {
  const t = initTRPC.context<{ auth: Principal }>().meta<BastionMeta>().create();
  const notesBySubject = new Map<string, Note[]>();
  let nextId = 1;
  const notesOf = (p: Principal) => notesBySubject.get(`${p.kind}:${p.subject}`) ?? [];

  const noteSchema = z.object({ id: z.number().int(), text: z.string(), createdAt: z.string() });

  return t.router({
    whoami: t.procedure
      .meta({
        mcp: {
          title: 'Who am I',
          description: 'Returns the caller as the server sees it: subject, client id and granted scopes.',
          annotations: { readOnlyHint: true, openWorldHint: false },
          auth: requireAuthenticated(),
        },
      })
      .output(z.object({ subject: z.string(), clientId: z.string().nullable(), scopes: z.array(z.string()), kind: z.string() }))
      .query(({ ctx }) => ({
        subject: ctx.auth.subject,
        clientId: ctx.auth.clientId ?? null,
        scopes: [...ctx.auth.scopes],
        kind: ctx.auth.kind,
      })),

    notes: t.router({
      list: t.procedure
        .meta({
          mcp: {
            title: 'List notes',
            description: "Lists the caller's notes, newest last.",
            tags: ['notes'],
            scopes: ['notes:read'],
            annotations: { readOnlyHint: true, openWorldHint: false },
          },
        })
        .output(z.object({ notes: z.array(noteSchema) }))
        .query(({ ctx }) => ({ notes: notesOf(ctx.auth) })),

      add: t.procedure
        .meta({
          mcp: {
            title: 'Add a note',
            description: 'Stores a short text note for the caller.',
            tags: ['notes'],
            scopes: ['notes:write'],
            annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
          },
        })
        .input(z.object({ text: z.string().min(1).max(2000).describe('The note text, at most 2,000 characters') }))
        .output(noteSchema)
        .mutation(({ ctx, input }) => {
          const key = `${ctx.auth.kind}:${ctx.auth.subject}`;
          const notes = notesBySubject.get(key) ?? [];
          if (notes.length >= MAX_NOTES_PER_PRINCIPAL) {
            throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `note limit of ${MAX_NOTES_PER_PRINCIPAL} reached` });
          }
          const note = { id: nextId++, text: input.text, createdAt: new Date().toISOString() };
          notes.push(note);
          notesBySubject.set(key, notes);
          return note;
        }),

      all: t.procedure
        .meta({
          mcpResource: {
            uri: 'notes://all',
            name: 'all-notes',
            title: 'All notes',
            description: "The caller's notes as JSON.",
            mimeType: 'application/json',
            tags: ['notes'],
            scopes: ['notes:read'],
          },
        })
        .query(({ ctx }) => ({ notes: notesOf(ctx.auth) })),

      summarize: t.procedure
        .meta({
          mcpPrompt: {
            name: 'summarize_notes',
            title: 'Summarize my notes',
            description: "Asks the model to summarize the caller's notes.",
            tags: ['notes'],
            scopes: ['notes:read'],
          },
        })
        .input(z.object({ style: z.string().max(40).optional().describe('How to summarize, e.g. "bullet points"') }))
        .query(({ ctx, input }) => {
          const notes = notesOf(ctx.auth);
          const body = notes.length === 0 ? '(no notes yet)' : notes.map((n) => `- ${n.text}`).join('\n');
          return `Summarize these notes${input.style ? ` as ${input.style}` : ''}:\n${body}`;
        }),
    }),

    admin: t.router({
      reset: t.procedure
        .meta({
          mcp: {
            title: 'Reset all notes',
            description: 'Deletes every note of every user. Administrators only.',
            tags: ['admin'],
            annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
          },
        })
        .output(z.object({ deleted: z.number().int() }))
        .mutation(() => {
          let deleted = 0;
          for (const notes of notesBySubject.values()) deleted += notes.length;
          notesBySubject.clear();
          return { deleted };
        }),
    }),
  });
}

export type DemoRouter = ReturnType<typeof createDemoRouter>;

/** Server-wide rules of the demo: the admin tag needs the `admin` scope. */
export const demoRules: ServerRule[] = [restrictTag('admin', { scopes: ['admin'] })];
