/**
 * Places outside the machine a tool could ship data to: non-loopback URLs, e-mail addresses and
 * IPv4 addresses. Language-independent, so it is a pattern rather than a word list.
 */
export const DESTINATION_SOURCE =
  '\\b(?:https?|s?ftp|wss?):\\/\\/(?!(?:localhost|127\\.0\\.0\\.1|\\[::1\\])\\b)[^\\s\'"<>)]+|\\b[\\w.+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}\\b|\\b(?!127\\.)\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b';
