import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Subscription } from '@medplum/fhirtypes';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Services } from '../../rest/services.js';
import { parseSubscription, type SubscriptionSpec } from '../model.js';
import { loadEvents, notificationBundle, type NotificationType } from '../notification.js';
import { numberPending } from '../numbering.js';

/** The websocket path, below the FHIR base. */
export const WS_PATH = '/fhir/ws';

interface Binding {
  socket: WebSocket;
  spec: SubscriptionSpec;
  /** Last event number sent on this socket. */
  cursor: number;
  classic: boolean;
  heartbeat?: NodeJS.Timeout;
}

/**
 * Websocket channel. A client gets a token from $get-ws-binding-token (any process; tokens live in the
 * database), connects to [base]/ws and sends `bind-with-token <token>`; classic R4 clients send
 * `bind <subscription id>`. Every process holding bound sockets reads the shared outbox after the socket's
 * cursor whenever it is woken (commit here, NOTIFY from another process, poll), so an event committed by
 * any process reaches sockets bound to any other.
 */
export class WebsocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly bindings = new Set<Binding>();
  private running = false;
  private again = false;

  constructor(
    private readonly s: Services,
    private readonly base: () => string,
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== WS_PATH) return;
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  get bound(): number {
    return this.bindings.size;
  }

  private accept(ws: WebSocket): void {
    ws.on('message', (data) => {
      const text = String(data).trim();
      this.onMessage(ws, text).catch((err: unknown) => {
        this.s.log.warn({ err }, 'websocket message failed');
        ws.send(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'bind failed' }] }));
      });
    });
    ws.on('close', () => {
      for (const b of [...this.bindings]) if (b.socket === ws) this.unbind(b);
    });
    ws.on('error', () => ws.terminate());
  }

  private async onMessage(ws: WebSocket, text: string): Promise<void> {
    const [verb, arg] = text.split(/\s+/, 2);
    if (verb === 'bind-with-token' && arg) {
      const { rows } = await this.s.db.query<{ sub_ids: string[] }>('SELECT sub_ids FROM subscription_ws_token WHERE token = $1 AND expires > now()', [arg]);
      if (!rows[0]) return void ws.send(outcome('Unknown or expired token'));
      for (const id of rows[0].sub_ids) await this.bind(ws, id, false);
    } else if (verb === 'bind' && arg) {
      await this.bind(ws, arg, true);
    } else if (verb === 'ping') {
      ws.send('pong');
    } else {
      ws.send(outcome(`Unknown command "${verb}"`));
    }
  }

  private async bind(ws: WebSocket, id: string, classic: boolean): Promise<void> {
    const { rows } = await this.s.db.query<{ content: string; events: string; status: string }>(
      `SELECT r.content, c.events::text AS events, s.status FROM resource r JOIN subscription_state s ON s.sub_id = r.res_id
       JOIN subscription_counter c ON c.sub_id = s.sub_id
       WHERE r.res_type = 'Subscription' AND r.res_id = $1 AND NOT r.deleted`,
      [id],
    );
    const row = rows[0];
    let spec: SubscriptionSpec | undefined;
    try {
      spec = row ? parseSubscription(JSON.parse(row.content) as Subscription) : undefined;
    } catch {
      spec = undefined;
    }
    if (!row || !spec || spec.channel !== 'websocket' || row.status === 'off') return void ws.send(outcome(`Subscription ${id} is not an active websocket subscription`));
    const binding: Binding = { socket: ws, spec, cursor: Number(row.events), classic };
    this.bindings.add(binding);
    if (classic) ws.send(`bound ${id}`);
    else ws.send(JSON.stringify(await this.bundle(binding, 'handshake', [])));
    if (spec.heartbeatSeconds && !classic) {
      binding.heartbeat = setInterval(() => {
        this.bundle(binding, 'heartbeat', [])
          .then((b) => ws.send(JSON.stringify(b)))
          .catch(() => undefined);
      }, spec.heartbeatSeconds * 1000);
      binding.heartbeat.unref();
    }
    this.kick();
  }

  private unbind(b: Binding): void {
    if (b.heartbeat) clearInterval(b.heartbeat);
    this.bindings.delete(b);
  }

  private async bundle(b: Binding, type: NotificationType, events: Awaited<ReturnType<typeof loadEvents>>): Promise<object> {
    const total = events.length ? events[events.length - 1].number : String(b.cursor);
    return notificationBundle(this.s.db, b.spec, this.base(), type, { status: 'active', events: total }, events);
  }

  /** Sends every bound socket the events after its cursor (one pump at a time per process). */
  kick(): void {
    if (this.bindings.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.pump()
      .catch((err: unknown) => this.s.log.warn({ err }, 'websocket pump failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    await numberPending(this.s.db);
    for (const b of [...this.bindings]) {
      for (;;) {
        const events = await loadEvents(this.s.db, b.spec.id, b.cursor, Number.MAX_SAFE_INTEGER, b.classic ? 100 : b.spec.maxCount);
        if (events.length === 0 || !this.bindings.has(b)) break;
        if (b.classic) b.socket.send(`ping ${b.spec.id}`);
        else b.socket.send(JSON.stringify(await this.bundle(b, 'event-notification', events)));
        b.cursor = Number(events[events.length - 1].number);
      }
    }
  }

  close(): void {
    for (const b of [...this.bindings]) {
      this.unbind(b);
      b.socket.terminate();
    }
    this.wss.close();
  }
}

function outcome(text: string): string {
  return JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: text }] });
}
