import type { GraphQLError } from 'graphql';
import { checkEndpointUrl, mayConnectTo } from '../endpoint/endpoint.url';

const refusal = (url: string, loopback = false) => {
  try {
    checkEndpointUrl(url, 'input.url', loopback);
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  return undefined;
};

it('takes https URLs to public hosts', () => {
  expect(checkEndpointUrl('https://partner.example.org/hooks/lilong?x=1', 'input.url', false).href).toBe('https://partner.example.org/hooks/lilong?x=1');
  expect(refusal('https://203.0.114.7/hook')).toBeUndefined();
});

it('refuses other schemes, credentials, fragments, long URLs and private or loopback hosts, naming the argument', () => {
  for (const url of [
    'http://partner.example.org/hook',
    'ftp://partner.example.org/hook',
    'https://user:pw@partner.example.org/hook',
    'https://partner.example.org/hook#x',
    `https://partner.example.org/${'a'.repeat(2000)}`,
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://10.1.2.3/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'not a url',
  ]) {
    expect([url, refusal(url)]).toEqual([url, expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'input.url', messageZh: expect.any(String) })]);
  }
});

it('takes http to this machine only when loopback receivers are allowed', () => {
  expect(refusal('http://127.0.0.1:8080/hook')).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(refusal('http://127.0.0.1:8080/hook', true)).toBeUndefined();
  expect(refusal('http://localhost:8080/hook', true)).toBeUndefined();
  expect(refusal('http://10.0.0.1:8080/hook', true)).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(mayConnectTo('127.0.0.1', true)).toBe(true);
  expect(mayConnectTo('127.0.0.1', false)).toBe(false);
  expect(mayConnectTo('::ffff:10.0.0.1', true)).toBe(false);
  expect(mayConnectTo('8.8.8.8', false)).toBe(true);
});
