/**
 * What a guard derives from a route's decorator metadata, derived once per
 * route. The metadata is fixed when the controller classes are defined, yet
 * Nest's Reflector walks it again on every call (about 0.3 µs per key and
 * target), and the global guards ask on every request. Keyed by class, then
 * handler: a handler inherited by two controllers may differ in class metadata.
 */
import type { ExecutionContext } from '@nestjs/common';

/** What ExecutionContext gives for handlers and classes, and Reflector takes. */
type Target = ReturnType<ExecutionContext['getHandler']>;

export class RouteMemo<T> {
  private readonly byClass = new WeakMap<Target, WeakMap<Target, T>>();

  constructor(private readonly derive: (targets: [handler: Target, cls: Target]) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.byClass.get(cls);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.byClass.set(cls, byHandler);
    }
    let derived = byHandler.get(handler);
    if (derived === undefined) {
      derived = this.derive([handler, cls]);
      byHandler.set(handler, derived);
    }
    return derived;
  }
}
