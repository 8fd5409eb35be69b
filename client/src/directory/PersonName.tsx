import type { User } from '../../../shared/schemas/auth.js';

/** A name with its kana reading as ruby: 山田 太郎 over やまだ たろう. */
export function PersonName({ user, className }: { user: Pick<User, 'name' | 'nameKana'>; className?: string }) {
  return (
    <ruby className={className ? `name ${className}` : 'name'}>
      {user.name}
      <rp>(</rp>
      <rt>{user.nameKana}</rt>
      <rp>)</rp>
    </ruby>
  );
}
