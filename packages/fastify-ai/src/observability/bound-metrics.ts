// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// Counters, gauges and histograms whose children are bound once to their labels and then count
// with a few array operations. prom-client's own children hash their labels again on every
// observation (about 0.4 µs each, measured), which per request and per store call would cost the
// gateway several percent of its CPU. These register on a prom-client registry (prom-client's or
// Watt's) as any metric does: the registry reads them through `get()`, in prom-client's format.

import type { Registry } from 'prom-client'

type Labels = Record<string, string>

/** What a registry reads from a metric (prom-client's `MetricObjectWithValues`). */
interface MetricValues {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  aggregator: 'sum'
  values: Array<{ labels: Record<string, string | number>, value: number, metricName?: string }>
}

/** A child counting for one set of labels. */
export class BoundValue {
  readonly labels: Labels
  value = 0

  constructor (labels: Labels) {
    this.labels = labels
  }

  inc (amount = 1): void {
    this.value += amount
  }

  dec (amount = 1): void {
    this.value -= amount
  }
}

/** A child of a histogram for one set of labels. */
export class BoundHistogram {
  readonly labels: Labels
  readonly #upperBounds: readonly number[]
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor (labels: Labels, upperBounds: readonly number[]) {
    this.labels = labels
    this.#upperBounds = upperBounds
    this.counts = new Float64Array(upperBounds.length + 1)
  }

  observe (value: number): void {
    const bounds = this.#upperBounds
    let bucket = 0
    while (bucket < bounds.length && value > bounds[bucket]) bucket++
    this.counts[bucket]++
    this.sum += value
    this.count++
  }
}

/** What the three kinds share: a name, children by labels, registration. */
abstract class BoundMetric<Child> {
  readonly name: string
  readonly help: string
  readonly aggregator = 'sum'
  readonly labelNames: readonly string[]
  protected readonly children = new Map<string, Child>()

  constructor (name: string, help: string, labelNames: readonly string[]) {
    this.name = name
    this.help = help
    this.labelNames = labelNames
  }

  /** The child of `labels` (same labels, same child): bind once, keep it. */
  child (labels: Labels): Child {
    const key = this.labelNames.map(function valueOf (name) { return labels[name] ?? '' }).join('\u0000')
    let child = this.children.get(key)
    if (child === undefined) {
      child = this.create(labels)
      this.children.set(key, child)
    }
    return child
  }

  protected abstract create (labels: Labels): Child
  abstract get (): MetricValues
  abstract reset (): void
}

/** A counter (or, with `dec`, a gauge). */
export class BoundCounter extends BoundMetric<BoundValue> {
  readonly type: 'counter' | 'gauge'

  constructor (name: string, help: string, labelNames: readonly string[], type: 'counter' | 'gauge' = 'counter') {
    super(name, help, labelNames)
    this.type = type
  }

  protected create (labels: Labels): BoundValue {
    return new BoundValue(labels)
  }

  get (): MetricValues {
    const values = [...this.children.values()].map(function sample (child) { return { labels: { ...child.labels }, value: child.value } })
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  reset (): void {
    for (const child of this.children.values()) child.value = 0
  }
}

/** A histogram with fixed upper bounds. */
export class BoundHistogramMetric extends BoundMetric<BoundHistogram> {
  readonly type = 'histogram'
  readonly upperBounds: readonly number[]

  constructor (name: string, help: string, labelNames: readonly string[], upperBounds: readonly number[]) {
    super(name, help, labelNames)
    this.upperBounds = upperBounds
  }

  protected create (labels: Labels): BoundHistogram {
    return new BoundHistogram(labels, this.upperBounds)
  }

  get (): MetricValues {
    const values: MetricValues['values'] = []
    for (const child of this.children.values()) {
      let cumulative = 0
      for (let bucket = 0; bucket <= this.upperBounds.length; bucket++) {
        cumulative += child.counts[bucket]
        const le = bucket < this.upperBounds.length ? this.upperBounds[bucket] : '+Inf'
        values.push({ labels: { le, ...child.labels }, value: cumulative, metricName: `${this.name}_bucket` })
      }
      values.push({ labels: { ...child.labels }, value: child.sum, metricName: `${this.name}_sum` })
      values.push({ labels: { ...child.labels }, value: child.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  reset (): void {
    for (const child of this.children.values()) {
      child.counts.fill(0)
      child.sum = 0
      child.count = 0
    }
  }
}

/** Register `metric` on a prom-client registry (it reads metrics through `get()`). */
export function registerOn (registry: Registry, metric: BoundMetric<unknown>): void {
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0])
}
