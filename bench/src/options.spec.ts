import { parseOptions } from './options';

describe(parseOptions.name, () => {
  it.each([
    ['--warmup', ''],
    ['--warmup', ' '],
    ['--duration', '0x10'],
    ['--replicas', '1,,3'],
    ['--connections', 'many'],
  ])('refuses %s %j instead of reading it as a number', (flag, value) => {
    expect(() => parseOptions([flag, value])).toThrow(`${flag} must be a number`);
  });

  it('reads well-formed numbers', () => {
    expect(parseOptions(['--warmup', '0', '--duration', '2.5', '--replicas', '1,3'])).toMatchObject({ warmupS: 0, durationS: 2.5, replicas: [1, 3] });
  });
});
