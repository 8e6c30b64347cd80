import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang">
      <label htmlFor={id}>{t('app.language')}</label>
      <select
        id={id}
        value={i18n.language === 'ja' ? 'ja' : 'en'}
        onChange={(e) => void i18n.changeLanguage(e.target.value)}
        data-testid="language"
      >
        <option value="ja" lang="ja">
          日本語
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </div>
  );
}
