import { targetSchema } from '@acd/oversight';
import { resolveTarget } from './target-country';

const dataset: Record<string, string> = { '45.33.32.156': 'US', '133.242.0.1': 'JP' };
const lookup = (ip: string) => dataset[ip] ?? null;
const parse = (t: unknown) => targetSchema.parse(t);

describe("a target's country", () => {
  it("is the dataset's answer for an address or a network, declared or not", () => {
    expect(resolveTarget(parse({ type: 'ip', value: '45.33.32.156' }), 'target', lookup)).toEqual({
      ok: true,
      target: { type: 'ip', value: '45.33.32.156', country: 'US' },
    });
    expect(
      resolveTarget(
        parse({ type: 'cidr', value: '133.242.0.1/32', country: 'jp' }),
        'target',
        lookup,
      ),
    ).toMatchObject({ target: { country: 'JP' } });
  });

  it('a declaration that contradicts the dataset is refused, naming the field', () => {
    expect(
      resolveTarget(parse({ type: 'ip', value: '45.33.32.156', country: 'JP' }), 'target', lookup),
    ).toMatchObject({ ok: false, status: 422, field: 'target.country' });
  });

  it('where the dataset knows nothing, the declared country stands, and is then required', () => {
    expect(
      resolveTarget(parse({ type: 'ip', value: '198.51.100.7', country: 'de' }), 'target', lookup),
    ).toMatchObject({ target: { country: 'DE' } });
    expect(
      resolveTarget(
        parse({ type: 'domain', value: 'C2.Example.NET.', country: 'KP' }),
        'target',
        lookup,
      ),
    ).toEqual({ ok: true, target: { type: 'domain', value: 'c2.example.net', country: 'KP' } });
    expect(
      resolveTarget(parse({ type: 'ip', value: '198.51.100.7' }), 'target', lookup),
    ).toMatchObject({ ok: false, status: 400, field: 'target.country' });
  });

  it.each([
    [{ type: 'ip', value: '999.0.0.1', country: 'JP' }, 'value'],
    [{ type: 'cidr', value: '10.0.0.0/40', country: 'JP' }, 'value'],
    [{ type: 'domain', value: 'no_tld', country: 'JP' }, 'value'],
    [{ type: 'domain', value: 'c2.example.net' }, 'country'],
    [{ type: 'ip', value: '198.51.100.7', country: 'JPN' }, 'country'],
  ])('the edge refuses %j (field %s)', (body, field) => {
    const result = targetSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});
