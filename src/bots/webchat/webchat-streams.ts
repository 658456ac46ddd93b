import { Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ChatOutlets, ChatReply } from '../../conversations/chat-outlets';

interface Listener {
  send(reply: ChatReply): void;
  /** Ends the stream (the process stops: an open stream would hold the HTTP server open). */
  end(): void;
}

const MAX_STREAMS_PER_SESSION = 3;

/**
 * The open event streams of this process, by conversation: what the engine
 * says of its own accord (a staff answer, a status change, an approval) goes
 * to the streams of that session. A reply for a session connected to another
 * replica is kept in the transcript and shown when the page reconnects.
 */
@Injectable()
export class WebchatStreams implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unregister: (() => void) | undefined;

  constructor(private readonly outlets: ChatOutlets) {}

  onApplicationBootstrap(): void {
    this.unregister = this.outlets.register('webchat', (reply) => this.deliver(reply));
  }

  onModuleDestroy(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener.end();
    this.listeners.clear();
  }

  onApplicationShutdown(): void {
    this.unregister?.();
  }

  /** A session holds a few streams at most (its tabs): a newer one ends the oldest, so nobody piles up open connections. */
  listen(externalId: string, listener: Listener): () => void {
    const set = this.listeners.get(externalId) ?? new Set<Listener>();
    if (set.size >= MAX_STREAMS_PER_SESSION) {
      const oldest = set.values().next().value!;
      set.delete(oldest);
      oldest.end();
    }
    set.add(listener);
    this.listeners.set(externalId, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(externalId);
    };
  }

  private deliver(reply: ChatReply): void {
    for (const listener of this.listeners.get(reply.externalId) ?? []) listener.send(reply);
  }
}
