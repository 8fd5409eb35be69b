/** A thumbnail fits inside this square (CSS pixels ×2 for the message's 160 px box on high-DPI screens). */
export const THUMBNAIL_BOX = 320;
export const THUMBNAIL_TYPE = 'image/webp';
/**
 * Larger images are not decoded (a 20 MB PNG can claim 30,000 × 30,000 pixels: gigabytes once
 * decoded). They are stored and downloadable, just without a thumbnail or a size.
 */
const MAX_INPUT_PIXELS = 80_000_000;

export interface ImageFacts {
  /** The size as shown, with the EXIF rotation applied (a portrait photo from a phone is tall). */
  width: number;
  height: number;
  /** WebP, EXIF rotation applied, fitted inside THUMBNAIL_BOX, never enlarged; metadata dropped. */
  thumbnail: Buffer;
}

/**
 * The image's size and its thumbnail, made with sharp (libvips) from the file on disk; null when
 * sharp cannot read it (then the file is still stored, as an image without a thumbnail). Animated
 * images give their first frame. sharp loads at the first image, not at start-up (about 0.1 s
 * that a restart would otherwise wait out); a broken sharp install still fails loudly here.
 */
export async function describeImage(path: string): Promise<ImageFacts | null> {
  const { default: sharp } = await import('sharp');
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' } as const;
  try {
    const meta = await sharp(path, options).metadata();
    const thumbnail = await sharp(path, options)
      .autoOrient()
      .resize({ width: THUMBNAIL_BOX, height: THUMBNAIL_BOX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) return null;
    return { width, height, thumbnail };
  } catch {
    return null;
  }
}
