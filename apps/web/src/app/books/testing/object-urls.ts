/**
 * jsdom has no blob URLs. This hands out fake ones and keeps the blobs behind them, so a spec
 * can read what a download link would save; revoking a URL forgets its blob.
 */
export function fakeObjectUrls(): Map<string, Blob> {
  const blobs = new Map<string, Blob>();
  let next = 0;
  URL.createObjectURL = (blob: Blob | MediaSource) => {
    const url = `blob:http://localhost/${++next}`;
    blobs.set(url, blob as Blob);
    return url;
  };
  URL.revokeObjectURL = (url: string) => {
    blobs.delete(url);
  };
  return blobs;
}

/** A blob's text, byte-order mark kept (jsdom's Blob has no text(), and FileReader drops the mark). */
export function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new TextDecoder('utf-8', { ignoreBOM: true }).decode(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}
