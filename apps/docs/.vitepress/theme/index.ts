import DefaultTheme from 'vitepress/theme';
import './charts.css';

export default DefaultTheme;
